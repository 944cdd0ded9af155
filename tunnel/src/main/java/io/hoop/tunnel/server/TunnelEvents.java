package io.hoop.tunnel.server;

import java.net.SocketAddress;
import java.time.Duration;

/** Lifecycle callbacks for audit. Called off the event loop; must not throw. */
public interface TunnelEvents {
  void rejected(SocketAddress remote, String code, String message);

  /**
   * A refused tunnel with what the broker verified about it; by default forgets the party.
   *
   * @param party the verified caller and grant, {@link TunnelParty#UNKNOWN} when none
   */
  default void rejected(SocketAddress remote, String code, String message, TunnelParty party) {
    rejected(remote, code, message);
  }

  void opened(TunnelAuthorization authorization, SocketAddress remote);

  /**
   * A tunnel opened {@code handshake} after its handshake arrived (authorization and the upstream
   * dial included; for a direct session, after its authorization); by default {@link
   * #opened(TunnelAuthorization, SocketAddress)}.
   */
  default void opened(TunnelAuthorization authorization, SocketAddress remote, Duration handshake) {
    opened(authorization, remote);
  }

  /**
   * @param bytesUp bytes from the client to the target
   * @param bytesDown bytes from the target to the client
   * @param reason why it closed: {@code client_closed} (CLOSE frame or EOF both ways), {@code
   *     client_disconnected} (connection ended without a CLOSE frame), {@code client_unresponsive}
   *     (no frame within the keepalive's dead-peer timeout), {@code upstream_closed}, {@code
   *     grant_expired}, {@code grant_revoked}, {@code broker_shutdown}, {@code protocol_error}
   */
  void closed(TunnelAuthorization authorization, long bytesUp, long bytesDown, String reason);

  TunnelEvents NONE =
      new TunnelEvents() {
        @Override
        public void rejected(SocketAddress remote, String code, String message) {}

        @Override
        public void opened(TunnelAuthorization authorization, SocketAddress remote) {}

        @Override
        public void closed(
            TunnelAuthorization authorization, long bytesUp, long bytesDown, String reason) {}
      };
}
