package io.hoop.broker.audit;

import io.hoop.broker.store.AuditLog;
import io.hoop.broker.store.Store;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The tamper-evident side of the audit log in a running broker: the audit signing key, the
 * checkpoint schedule and exports.
 *
 * @param signer the audit key
 * @param checkpointer when checkpoints are signed
 * @param exporter writes exports
 * @param exports what exports covered (for retention)
 */
public record AuditTrail(
    AuditSigner signer,
    AuditCheckpointer checkpointer,
    AuditExporter exporter,
    AuditExports exports) {

  /** How often the schedule looks for due checkpoints. */
  static final Duration TICK = Duration.ofSeconds(1);

  /**
   * Loads (or creates) the audit key and starts signing checkpoints with the default policy.
   *
   * @param scheduler runs the tick; the schedule ends when it shuts down (the broker's event loops)
   * @param blocking runs the store work of each tick (never on an event loop)
   */
  public static AuditTrail start(
      Path dataDir,
      Store store,
      AuditLog log,
      ScheduledExecutorService scheduler,
      Executor blocking,
      Clock clock)
      throws IOException {
    AuditTrail trail =
        create(
            dataDir,
            store,
            log,
            clock,
            AuditCheckpointer.DEFAULT_EVERY_RECORDS,
            AuditCheckpointer.DEFAULT_INTERVAL);
    scheduler.scheduleAtFixedRate(
        () -> {
          try {
            blocking.execute(trail.checkpointer()::tickQuietly);
          } catch (RejectedExecutionException e) {
            // The broker is shutting down; the next start signs what is due.
          }
        },
        TICK.toMillis(),
        TICK.toMillis(),
        TimeUnit.MILLISECONDS);
    return trail;
  }

  /** A trail without a schedule (tests call {@link AuditCheckpointer#tick} themselves). */
  public static AuditTrail create(
      Path dataDir, Store store, AuditLog log, Clock clock, int everyRecords, Duration interval)
      throws IOException {
    AuditSigner signer = AuditSigner.loadOrCreate(dataDir);
    CheckpointStore checkpoints = new CheckpointStore(store);
    AuditCheckpointer checkpointer =
        new AuditCheckpointer(log, checkpoints, signer, clock, everyRecords, interval);
    AuditExports exports = new AuditExports(store);
    return new AuditTrail(
        signer,
        checkpointer,
        new AuditExporter(log, checkpoints, checkpointer, exports, clock),
        exports);
  }
}
