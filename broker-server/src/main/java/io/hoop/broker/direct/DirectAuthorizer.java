package io.hoop.broker.direct;

import io.hoop.tunnel.server.TunnelAuthorization;
import io.hoop.tunnel.server.TunnelRejectedException;

/**
 * Authorizes a direct session of a grant whose password was proven, with the same checks and engine
 * admission as a tunnel's handshake (the broker's {@code GrantTunnelAuthorizer}). Called off the
 * event loop.
 */
@FunctionalInterface
public interface DirectAuthorizer {
  TunnelAuthorization authorize(String grantId, String principal) throws TunnelRejectedException;
}
