package io.hoop.tunnel.protocol;

import io.hoop.api.ApiError;
import java.time.Instant;

/**
 * The broker's answer to a {@link Handshake}: either the session it opened or why it refused.
 *
 * @param ok true when the tunnel is open and frames may follow
 * @param sessionId broker-side id of this tunnel session (for audit and replay)
 * @param grantId the grant the tunnel runs under
 * @param target target name
 * @param deadline when the broker will close the tunnel (the grant's expiry)
 * @param error why the tunnel was refused; null when ok
 */
public record HandshakeReply(
    boolean ok, String sessionId, String grantId, String target, Instant deadline, ApiError error) {

  public static HandshakeReply accepted(
      String sessionId, String grantId, String target, Instant deadline) {
    return new HandshakeReply(true, sessionId, grantId, target, deadline, null);
  }

  public static HandshakeReply refused(ApiError error) {
    return new HandshakeReply(false, null, null, null, null, error);
  }
}
