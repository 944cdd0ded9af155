package io.hoop.tunnel.server;

import io.hoop.tunnel.protocol.Handshake;
import java.net.SocketAddress;

/**
 * Decides whether a handshake may open a tunnel. Implemented by the broker (token signatures, grant
 * state, ownership). Called off the event loop: implementations may block on the store. Anything
 * other than a returned authorization refuses the tunnel (fail closed).
 */
@FunctionalInterface
public interface TunnelAuthorizer {
  TunnelAuthorization authorize(Handshake handshake, SocketAddress remote)
      throws TunnelRejectedException;
}
