package io.hoop.tunnel.server;

import java.net.SocketAddress;

/** Lifecycle callbacks for audit. Called off the event loop; must not throw. */
public interface TunnelEvents {
  void rejected(SocketAddress remote, String code, String message);

  void opened(TunnelAuthorization authorization, SocketAddress remote);

  /**
   * @param bytesUp bytes from the client to the target
   * @param bytesDown bytes from the target to the client
   * @param reason why it closed, e.g. {@code client_closed}, {@code grant_expired}
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
