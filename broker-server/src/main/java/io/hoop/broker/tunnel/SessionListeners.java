package io.hoop.broker.tunnel;

import static java.util.Objects.requireNonNull;

import io.hoop.api.SessionStatement;
import io.hoop.broker.ops.BrokerMetrics;
import io.hoop.broker.sessions.StatementRecorder;
import io.hoop.broker.store.AuditLog;
import io.hoop.broker.store.StoredGrant;
import io.hoop.tunnel.engine.EngineListener;
import io.hoop.tunnel.engine.Refusal;
import io.hoop.tunnel.engine.SessionStep;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the events of an admitted tunnel session go, whatever its engine: its timeline steps to the
 * statement recorder, and every operation the engine refused by policy ({@link Refusal}) to the
 * audit log as {@code <engine>.denied}, written off the engine's I/O threads; steps, refusals and
 * masked fields are counted in the broker's metrics.
 */
public final class SessionListeners {
  private static final Logger LOG = LoggerFactory.getLogger(SessionListeners.class);

  private final StatementRecorder recorder;
  private final AuditLog audit;
  private final Executor auditWriter;
  private final BrokerMetrics metrics;

  /**
   * @param recorder where the sessions' steps are recorded
   * @param audit where refusals are audited
   * @param auditWriter runs audit appends off the engines' I/O threads
   */
  public SessionListeners(StatementRecorder recorder, AuditLog audit, Executor auditWriter) {
    this(recorder, audit, auditWriter, null);
  }

  /** As {@link #SessionListeners(StatementRecorder, AuditLog, Executor)}, counting in metrics. */
  public SessionListeners(
      StatementRecorder recorder, AuditLog audit, Executor auditWriter, BrokerMetrics metrics) {
    this.recorder = requireNonNull(recorder, "recorder");
    this.audit = requireNonNull(audit, "audit");
    this.auditWriter = requireNonNull(auditWriter, "auditWriter");
    this.metrics = metrics;
  }

  /** The listener of session {@code sessionId} of {@code grant}, run by {@code engine}. */
  public EngineListener listener(StoredGrant grant, String engine, String sessionId) {
    EngineListener steps = recorder.listener(sessionId);
    return event -> {
      steps.onEvent(event);
      if (event instanceof Refusal r) {
        audited(grant, engine, sessionId, r);
      }
      if (metrics != null) {
        counted(grant.target(), engine, event);
      }
    };
  }

  // A blocked postgres statement is a step marked blocked; an http or ssh refusal is a Refusal
  // (and may be a step too): each counts once.
  private void counted(String target, String engine, io.hoop.tunnel.engine.EngineEvent event) {
    try {
      SessionStatement s = event instanceof SessionStep step ? step.statement(0) : null;
      if (s != null) {
        metrics.engineStep(target, engine, s.maskedFields());
      }
      if (event instanceof Refusal r) {
        metrics.engineRefused(target, engine, r.kind());
      } else if (s != null && s.blocked()) {
        metrics.engineRefused(target, engine, "statement");
      }
    } catch (RuntimeException e) {
      LOG.warn("cannot count an engine event engine={}: {}", engine, e.toString());
    }
  }

  private void audited(StoredGrant grant, String engine, String sessionId, Refusal r) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("sessionId", sessionId);
    details.put("kind", r.kind());
    details.put("detail", r.detail());
    details.put("reason", r.reason());
    try {
      auditWriter.execute(
          () -> {
            try {
              audit.append(
                  engine + ".denied",
                  grant.principal(),
                  grant.target(),
                  grant.id(),
                  grant.task(),
                  details);
            } catch (RuntimeException e) {
              LOG.error("cannot audit a refusal session={}", sessionId, e);
            }
          });
    } catch (RejectedExecutionException e) {
      LOG.error("cannot audit a refusal session={} (broker stopping)", sessionId);
    }
  }
}
