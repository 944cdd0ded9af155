package io.hoop.engine.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.HttpResponse;

/**
 * Reads the bytes of an allowed upgrade as the proxy relays them (both directions, in order, on the
 * proxy's event loop), e.g. to record a Kubernetes exec session. It never changes what is relayed;
 * it may stop it: a tap that cannot follow the stream throws {@link TapException}, and the proxy
 * cuts both connections and audits the cut as a refusal (fail closed, never an unwatched stream).
 */
public interface UpgradeTap {
  /**
   * Bytes the client sent toward the target. The buffer is a view: read it with absolute gets or on
   * a duplicate; it is relayed after this returns.
   */
  void fromClient(ByteBuf data) throws TapException;

  /** Bytes the target sent toward the client; the same rules as {@link #fromClient}. */
  void fromTarget(ByteBuf data) throws TapException;

  /**
   * What the client gets as the relay's last bytes when the broker ends it (revoke, expiry), so the
   * client can say why, or null to cut it without a word. Called before {@link #closed}.
   */
  default ByteBuf farewell(ByteBufAllocator alloc, String message) {
    return null;
  }

  /**
   * The relay ended; called once.
   *
   * @param reason empty when a side closed, else why the broker ended it
   */
  void closed(String reason);

  /** Opens a tap on the upgrade the target accepted. */
  @FunctionalInterface
  interface Factory {
    /**
     * @param switching the target's 101 answer
     * @throws TapException when the switched protocol cannot be followed: the 101 is not relayed
     */
    UpgradeTap open(HttpResponse switching) throws TapException;
  }

  /** The stream cannot be followed; the message names why (never a secret or payload bytes). */
  final class TapException extends Exception {
    private static final long serialVersionUID = 1L;

    public TapException(String message) {
      super(message);
    }
  }
}
