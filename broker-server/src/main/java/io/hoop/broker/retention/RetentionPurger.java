package io.hoop.broker.retention;

import static java.util.Objects.requireNonNull;

import io.hoop.broker.audit.AuditExports;
import io.hoop.broker.config.RetentionConfig;
import io.hoop.broker.store.AuditLog;
import io.hoop.broker.store.Store;
import io.hoop.broker.store.StoreException;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The retention purge job: removes recordings, recorded statements and audit records older than the
 * config keeps them ({@link RetentionConfig}), on a schedule and when an admin asks. The store part
 * (statements, audit) runs on one replica at a time ({@link PurgeLock}); recordings are files on
 * each replica's own disk, so each replica purges its own. Deletes go in bounded batches, each its
 * own transaction. Every purge that removed something is audited ({@code retention.purged}: kind,
 * how many, up to when) and kept in {@code retention_purges}; a purge held back (audit records no
 * export covers yet) is audited when the reason changes and shown by {@link #status}.
 */
public final class RetentionPurger {
  /** The audit event of a purge. */
  public static final String EVENT = "retention.purged";

  /** The PostgreSQL advisory lock key purges hold ({@code pg_locks.objid} shows its low half). */
  public static final long LOCK_KEY = PurgeLock.KEY;

  private static final Logger LOG = LoggerFactory.getLogger(RetentionPurger.class);

  private final Store store;
  private final AuditLog audit;
  private final Supplier<RetentionConfig> config;
  private final Clock clock;
  private final PurgeLock storeLock;
  private final ReentrantLock local = new ReentrantLock();
  private final AuditPurge auditPurge;
  private final StatementPurge statementPurge = new StatementPurge();
  private final RecordingPurge recordingPurge;
  private final PurgeLedger ledger;
  private final Runnable betweenBatches;
  // What the last held-back purge of each kind said: repeated reasons are not audited every hour.
  private final Map<String, String> lastHeld = new HashMap<>();

  /**
   * @param recordingsDir this replica's recordings directory, or null when it has none
   */
  public RetentionPurger(
      Store store,
      AuditLog audit,
      AuditExports exports,
      Supplier<RetentionConfig> config,
      Path recordingsDir,
      Clock clock) {
    this(store, audit, exports, config, recordingsDir, clock, () -> {});
  }

  /**
   * As the other constructor, with a hook run after each committed batch (tests pause a purge there
   * to show a second purger is refused meanwhile).
   */
  public RetentionPurger(
      Store store,
      AuditLog audit,
      AuditExports exports,
      Supplier<RetentionConfig> config,
      Path recordingsDir,
      Clock clock,
      Runnable betweenBatches) {
    this.store = requireNonNull(store, "store");
    this.audit = requireNonNull(audit, "audit");
    this.config = requireNonNull(config, "config");
    this.clock = requireNonNull(clock, "clock");
    this.betweenBatches = requireNonNull(betweenBatches, "betweenBatches");
    this.storeLock = new PurgeLock(store);
    this.auditPurge = new AuditPurge(requireNonNull(exports, "exports"));
    this.recordingPurge = new RecordingPurge(recordingsDir);
    this.ledger = new PurgeLedger(store);
  }

  /**
   * Runs the purge every {@code config.interval} (read at start), first after a random part of one
   * interval so replicas started together do not all try at once.
   */
  public ScheduledFuture<?> schedule(ScheduledExecutorService scheduler, Executor blocking) {
    long every = config.get().interval().toMillis();
    long first = 60_000 + ThreadLocalRandom.current().nextLong(every);
    return scheduler.scheduleAtFixedRate(
        () -> {
          try {
            blocking.execute(this::purgeQuietly);
          } catch (RejectedExecutionException e) {
            // The broker is stopping.
          }
        },
        first,
        every,
        TimeUnit.MILLISECONDS);
  }

  private void purgeQuietly() {
    try {
      purge(false, null);
    } catch (StoreException | IllegalStateException e) {
      LOG.error("retention purge failed", e);
    }
  }

  /**
   * Purges what is due now.
   *
   * @param dryRun only count what would go
   * @param by the admin who asked ({@code admin:root}), or null for the schedule
   * @throws StoreException when the store fails (batches committed before stay committed)
   */
  public PurgeReport purge(boolean dryRun, String by) {
    Instant now = clock.instant();
    if (!local.tryLock()) {
      return new PurgeReport(now, dryRun, "a purge of this broker is already running", List.of());
    }
    try {
      RetentionConfig cfg = config.get();
      List<PurgeReport.Kind> kinds = new ArrayList<>();
      String skipped = null;
      try (Connection c = store.dataSource().getConnection()) {
        RecordingPurge.Outcome rec = recordingPurge.run(c, cfg, now, dryRun, false);
        kinds.add(
            new PurgeReport.Kind(
                RecordingPurge.KIND,
                perTarget(cfg.recordings(), cfg, true),
                cfg.recordings().cutoff(now).orElse(null),
                rec.files(),
                rec.files(),
                0,
                null,
                null));
      }
      PurgeLock.Attempt attempt = storeLock.tryAcquire();
      if (attempt.busy() != null) {
        skipped = attempt.busy();
      } else {
        try (PurgeLock.Held held = attempt.held()) {
          Connection c = held.connection();
          StatementPurge.Outcome st = statementPurge.run(c, cfg, now, dryRun, betweenBatches);
          kinds.add(
              new PurgeReport.Kind(
                  StatementPurge.KIND,
                  perTarget(cfg.statements(), cfg, false),
                  cfg.statements().cutoff(now).orElse(null),
                  st.statements(),
                  st.sessions(),
                  0,
                  null,
                  null));
          AuditPurge.Plan plan = auditPurge.plan(c, cfg.audit(), now);
          long deleted = dryRun ? plan.records() : auditPurge.run(c, plan, betweenBatches);
          kinds.add(
              new PurgeReport.Kind(
                  AuditPurge.KIND,
                  cfg.audit().toString(),
                  cfg.audit().cutoff(now).orElse(null),
                  deleted,
                  0,
                  deleted > 0 ? plan.through() : 0,
                  deleted > 0 ? plan.anchorHash() : null,
                  plan.heldBack()));
          if (!dryRun) {
            record(c, now, kinds, by);
          }
        }
      }
      if (!dryRun && skipped != null) {
        try (Connection c = store.dataSource().getConnection()) {
          record(c, now, kinds, by);
        }
      }
      PurgeReport report = new PurgeReport(now, dryRun, skipped, kinds);
      LOG.info("retention purge {}", report.fields());
      return report;
    } catch (SQLException | IOException e) {
      throw new StoreException("retention purge failed: " + e.getMessage(), e);
    } finally {
      local.unlock();
    }
  }

  /** The ledger rows and audit records of what was purged, or held back for a new reason. */
  private void record(Connection c, Instant now, List<PurgeReport.Kind> kinds, String by)
      throws SQLException {
    for (PurgeReport.Kind k : kinds) {
      boolean held = k.heldBack() != null;
      boolean news;
      synchronized (lastHeld) {
        news = held && (by != null || !k.heldBack().equals(lastHeld.get(k.kind())));
        if (held) {
          lastHeld.put(k.kind(), k.heldBack());
        } else {
          lastHeld.remove(k.kind());
        }
      }
      if (k.deleted() == 0 && !news) {
        continue;
      }
      ledger.insert(c, now, k);
      Map<String, Object> details = new java.util.LinkedHashMap<>(k.fields());
      details.put("by", by == null ? "schedule" : by);
      audit.append(EVENT, by, null, null, null, details);
    }
  }

  /** The global retention, noting per-target exceptions. */
  private static String perTarget(
      RetentionConfig.Keep global, RetentionConfig cfg, boolean recordings) {
    boolean overridden =
        cfg.targets().values().stream()
            .anyMatch(t -> (recordings ? t.recordings() : t.statements()).isPresent());
    return global + (overridden ? " (some targets differ)" : "");
  }

  /**
   * What is configured, the oldest thing of each kind, the last purge of each, and what a purge
   * would remove now or waits for (a dry run's counts, without the lock).
   */
  public Map<String, Object> status() {
    RetentionConfig cfg = config.get();
    Instant now = clock.instant();
    Map<String, Object> m = new java.util.LinkedHashMap<>();
    m.put("at", now.toString());
    m.put("configured", RetentionStatus.configured(cfg));
    try (Connection c = store.dataSource().getConnection()) {
      m.put("store", PurgeLock.isPostgres(c) ? "postgresql" : "h2");
      List<Map<String, Object>> kinds = new ArrayList<>();
      RecordingPurge.Outcome rec = recordingPurge.run(c, cfg, now, true, false);
      kinds.add(
          RetentionStatus.kind(
              RecordingPurge.KIND,
              cfg.recordings(),
              rec.oldest(),
              null,
              rec.files(),
              null,
              ledger.last(RecordingPurge.KIND)));
      StatementPurge.Outcome st = statementPurge.run(c, cfg, now, true, () -> {});
      kinds.add(
          RetentionStatus.kind(
              StatementPurge.KIND,
              cfg.statements(),
              RetentionStatus.oldestStatement(c),
              null,
              st.statements(),
              null,
              ledger.last(StatementPurge.KIND)));
      AuditPurge.Plan plan = auditPurge.plan(c, cfg.audit(), now);
      kinds.add(
          RetentionStatus.kind(
              AuditPurge.KIND,
              cfg.audit(),
              plan.oldestTime(),
              plan.oldest() > 0 ? plan.oldest() : null,
              plan.records(),
              plan.heldBack(),
              ledger.last(AuditPurge.KIND)));
      m.put("kinds", kinds);
    } catch (SQLException | IOException e) {
      throw new StoreException("cannot read the retention status: " + e.getMessage(), e);
    }
    return m;
  }
}
