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
 * @param keepaliveMillis how often each end sends a PING frame; 0 (or absent, from a broker older
 *     than keepalives) means neither end expects them
 * @param deadPeerMillis how long an end waits for any frame from its peer before it closes the
 *     tunnel as unresponsive; 0 when {@code keepaliveMillis} is 0
 */
public record HandshakeReply(
    boolean ok,
    String sessionId,
    String grantId,
    String target,
    Instant deadline,
    ApiError error,
    long keepaliveMillis,
    long deadPeerMillis) {

  /** A reply without keepalives, as brokers before them sent. */
  public HandshakeReply(
      boolean ok,
      String sessionId,
      String grantId,
      String target,
      Instant deadline,
      ApiError error) {
    this(ok, sessionId, grantId, target, deadline, error, 0, 0);
  }

  public static HandshakeReply accepted(
      String sessionId, String grantId, String target, Instant deadline) {
    return new HandshakeReply(true, sessionId, grantId, target, deadline, null);
  }

  /** An acceptance that tells the client the tunnel's {@code keepalive}. */
  public static HandshakeReply accepted(
      String sessionId, String grantId, String target, Instant deadline, Keepalive keepalive) {
    return new HandshakeReply(
        true,
        sessionId,
        grantId,
        target,
        deadline,
        null,
        keepalive.interval().toMillis(),
        keepalive.deadPeerTimeout().toMillis());
  }

  public static HandshakeReply refused(ApiError error) {
    return new HandshakeReply(false, null, null, null, null, error);
  }
}
