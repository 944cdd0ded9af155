package io.hoop.tunnel.protocol;

/**
 * Wire constants of the tunnel protocol, spoken inside TLS on the broker's single port.
 *
 * <pre>
 * client → broker   "HOOP" (4 bytes magic, lets the broker tell tunnels from HTTP on one port)
 *                   u32 length + UTF-8 JSON {@link Handshake}       (length ≤ MAX_HANDSHAKE_BYTES)
 * broker → client   u32 length + UTF-8 JSON {@link HandshakeReply}  (on error: reply, then close)
 * then, both ways   frames: u8 type + u32 length + payload           (length ≤ MAX_FRAME_BYTES)
 *                   DATA  payload = relayed bytes
 *                   EOF   empty: the sender will send no more DATA (half-close)
 *                   CLOSE payload = JSON {@link CloseNotice}; the sender closes after it
 *                   PING  empty: the sender is alive (sent every {@link Keepalive#interval()} once
 *                         the handshake negotiated keepalives; any frame proves liveness, so there
 *                         is no PONG and nothing to amplify)
 * </pre>
 *
 * <p>Frame types a peer does not know are skipped, so a new frame type needs no new version; the
 * client announces that it sends PINGs in {@link Handshake#keepalive()} and the broker answers with
 * the interval in {@link HandshakeReply#keepaliveMillis()}.
 */
public final class TunnelProtocol {
  /** "HOOP" in ASCII. */
  public static final byte[] MAGIC = {'H', 'O', 'O', 'P'};

  /** Largest accepted handshake JSON; larger declared lengths are refused before reading. */
  public static final int MAX_HANDSHAKE_BYTES = 64 * 1024;

  /** Largest accepted frame payload. */
  public static final int MAX_FRAME_BYTES = 1024 * 1024;

  public static final byte FRAME_DATA = 1;
  public static final byte FRAME_EOF = 2;
  public static final byte FRAME_CLOSE = 3;
  public static final byte FRAME_PING = 4;

  private TunnelProtocol() {}
}
