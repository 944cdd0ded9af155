package io.hoop.tunnel.engine;

import static java.util.Objects.requireNonNull;

import io.hoop.tunnel.protocol.Handshake;
import java.net.InetSocketAddress;
import java.time.Instant;

/**
 * One tunnel the broker admitted, as an engine sees it when it builds the tunnel's settings ({@link
 * Engine#admit}): who, for which grant and task, as which role, and where the session's events and
 * holds go. No token or target credential is in it.
 *
 * @param sessionId the tunnel session's id
 * @param grantId the grant
 * @param principal who holds the grant
 * @param target the target's name
 * @param task the grant's task id
 * @param role the role the grant runs as (the target's default when the grant named none); null
 *     when the target has no roles
 * @param upstream the target's address
 * @param expiresAt when the grant ends
 * @param handshake the client's handshake (engine fields such as {@link Handshake#sshPublicKey()})
 * @param listener where the session's events go (recorded, refusals audited); never blocks
 * @param holds where operations that need a reviewer go
 * @param connector how an engine that dials its target itself reaches it (through the target's
 *     agent when it has one)
 */
public record Admission(
    String sessionId,
    String grantId,
    String principal,
    String target,
    String task,
    String role,
    InetSocketAddress upstream,
    Instant expiresAt,
    Handshake handshake,
    EngineListener listener,
    Holds holds,
    TargetConnector connector) {
  public Admission {
    requireNonNull(sessionId, "sessionId");
    requireNonNull(grantId, "grantId");
    requireNonNull(principal, "principal");
    requireNonNull(target, "target");
    requireNonNull(task, "task");
    requireNonNull(upstream, "upstream");
    requireNonNull(expiresAt, "expiresAt");
    requireNonNull(handshake, "handshake");
    requireNonNull(listener, "listener");
    requireNonNull(holds, "holds");
    requireNonNull(connector, "connector");
  }

  /** An admission to a target the broker reaches over TCP itself. */
  public Admission(
      String sessionId,
      String grantId,
      String principal,
      String target,
      String task,
      String role,
      InetSocketAddress upstream,
      Instant expiresAt,
      Handshake handshake,
      EngineListener listener,
      Holds holds) {
    this(
        sessionId,
        grantId,
        principal,
        target,
        task,
        role,
        upstream,
        expiresAt,
        handshake,
        listener,
        holds,
        TargetConnector.DIRECT);
  }

  /** A label for logs and recordings: target, grant, task and session; no secrets. */
  public String label() {
    return target + " grant " + grantId + " task " + task + " " + sessionId;
  }
}
