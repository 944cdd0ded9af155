package io.hoop.broker;

import com.zaxxer.hikari.HikariDataSource;
import io.hoop.broker.config.BrokerConfig;
import io.hoop.broker.config.NotificationsSection;
import io.hoop.broker.config.TargetConfig;
import io.hoop.broker.ops.BrokerMetrics;
import io.hoop.broker.ops.DiagnosticsServer;
import io.hoop.broker.ops.OpsRoutes;
import io.hoop.broker.ops.Readiness;
import io.hoop.broker.store.AuditLog;
import io.hoop.broker.store.Store;
import io.hoop.broker.token.InvalidBrokerTokenException;
import io.hoop.broker.token.TokenService;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The broker's operability wiring: metrics on the store and audit log, readiness, diagnostics. */
final class Ops {
  private static final Logger LOG = LoggerFactory.getLogger(Ops.class);

  private Ops() {}

  /**
   * Counts audit appends and store failures, registers the pool's meters and the configured
   * targets' and webhooks' zero-valued series.
   */
  static void instrument(BrokerMetrics metrics, Store store, AuditLog audit, BrokerConfig config) {
    long startSeq = audit.head().seq();
    metrics.counting(
        "hoop.audit.appends",
        "audit records this broker appended since it started",
        () -> Math.max(0, audit.head().seq() - startSeq));
    if (store.dataSource() instanceof HikariDataSource pool) {
      try {
        // hikaricp_connections_* (active, pending, timeouts): how the store keeps up.
        pool.setMetricRegistry(metrics.registry());
      } catch (RuntimeException e) {
        LOG.warn("no store pool metrics: {}", e.toString());
      }
    }
    metrics.knownTargets(config.targets().stream().map(TargetConfig::name).toList());
    metrics.knownWebhooks(
        config.notifications().webhooks().stream()
            .map(NotificationsSection.Webhook::name)
            .toList());
  }

  /** Ready when the store answers {@code SELECT 1} and the grant key signs and verifies. */
  static Readiness readiness(Store store, TokenService tokens, Clock clock, BrokerMetrics metrics) {
    Map<String, Readiness.Check> checks = new LinkedHashMap<>();
    checks.put("store", Readiness.store(store.dataSource(), Readiness.DEFAULT_TIMEOUT));
    checks.put("keys", () -> keys(tokens, clock));
    return new Readiness(checks, Readiness.DEFAULT_TIMEOUT, Readiness.DEFAULT_MAX_AGE, metrics);
  }

  // A token for no grant, expiring in seconds, never leaves this method.
  private static void keys(TokenService tokens, Clock clock) throws InvalidBrokerTokenException {
    String t =
        tokens.issueGrant(
            "readiness-probe", "hoop-readiness", "-", clock.instant().plus(Duration.ofSeconds(30)));
    if (!"readiness-probe".equals(tokens.verifyGrant(t).grantId())) {
      throw new IllegalStateException("the grant key does not verify its own token");
    }
  }

  /** The plain-HTTP diagnostics listener of {@code diagnostics.listen}, or null when not set. */
  static DiagnosticsServer diagnostics(
      BrokerConfig config,
      OpsRoutes routes,
      EventLoopGroup boss,
      EventLoopGroup workers,
      Executor blocking)
      throws IOException, InterruptedException {
    if (config.diagnosticsListen().isEmpty()) {
      return null;
    }
    DiagnosticsServer d =
        DiagnosticsServer.start(config.diagnosticsListen().get(), routes, boss, workers, blocking);
    LOG.info(
        "diagnostics listening address={} port={}", config.diagnosticsListen().get(), d.port());
    return d;
  }
}
