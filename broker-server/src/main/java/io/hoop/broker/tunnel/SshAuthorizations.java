package io.hoop.broker.tunnel;

import static java.util.Objects.requireNonNull;

import io.hoop.broker.config.TargetConfig;
import io.hoop.broker.sessions.StatementRecorder;
import io.hoop.broker.store.AuditLog;
import io.hoop.broker.store.StoredGrant;
import io.hoop.engine.ssh.bridge.BridgeEvent;
import io.hoop.engine.ssh.bridge.BridgeListener;
import io.hoop.engine.ssh.engine.SshAdmissionException;
import io.hoop.engine.ssh.engine.SshAdmissions;
import io.hoop.engine.ssh.engine.SshSettings;
import io.hoop.tunnel.engine.EngineListener;
import io.hoop.tunnel.server.TunnelRejectedException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the ssh engine's settings for a tunnel of a grant to an ssh target: the grant's role (or
 * the target's default), the handshake's ephemeral key, and a listener that records the session's
 * events (as statements) and audits every denial ({@code ssh.denied}).
 */
public final class SshAuthorizations {
  private static final Logger LOG = LoggerFactory.getLogger(SshAuthorizations.class);

  private final StatementRecorder recorder;
  private final AuditLog audit;
  private final Executor auditWriter;
  private final io.hoop.engine.ssh.engine.CastRecordings casts;

  /**
   * @param recorder where the session's events are recorded
   * @param audit where denials are audited
   * @param auditWriter runs audit appends off the bridge's I/O threads
   * @param casts where terminal output is recorded (asciicast v2 per session)
   */
  public SshAuthorizations(
      StatementRecorder recorder,
      AuditLog audit,
      Executor auditWriter,
      io.hoop.engine.ssh.engine.CastRecordings casts) {
    this.casts = requireNonNull(casts, "casts");
    this.recorder = requireNonNull(recorder, "recorder");
    this.audit = requireNonNull(audit, "audit");
    this.auditWriter = requireNonNull(auditWriter, "auditWriter");
  }

  /** Settings for a tunnel of {@code grant} to the ssh {@code target}, offering {@code userKey}. */
  public SshSettings settings(
      TargetConfig target, StoredGrant grant, String sessionId, String userKey)
      throws TunnelRejectedException {
    EngineListener statements = recorder.listener(sessionId);
    BridgeListener cast =
        casts.listener(
            sessionId,
            target.name() + " grant " + grant.id() + " task " + grant.task() + " " + sessionId);
    BridgeListener listener =
        event -> {
          statements.onEvent(event);
          cast.onEvent(event);
          if (event instanceof BridgeEvent.Denied d) {
            audited(grant, target, sessionId, d);
          }
        };
    try {
      return SshAdmissions.settings(
          target.name(),
          target.host(),
          target.port(),
          target.ssh(),
          grant.role(),
          userKey,
          listener);
    } catch (SshAdmissionException e) {
      throw new TunnelRejectedException(e.code(), e.getMessage());
    }
  }

  private void audited(
      StoredGrant grant, TargetConfig target, String sessionId, BridgeEvent.Denied d) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("sessionId", sessionId);
    details.put("kind", d.kind());
    details.put("detail", d.detail());
    details.put("reason", d.reason());
    try {
      auditWriter.execute(
          () -> {
            try {
              audit.append(
                  "ssh.denied",
                  grant.principal(),
                  target.name(),
                  grant.id(),
                  grant.task(),
                  details);
            } catch (RuntimeException e) {
              LOG.error("cannot audit an ssh denial session={}", sessionId, e);
            }
          });
    } catch (RejectedExecutionException e) {
      LOG.error("cannot audit an ssh denial session={} (broker stopping)", sessionId);
    }
  }
}
