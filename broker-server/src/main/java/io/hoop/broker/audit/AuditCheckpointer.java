package io.hoop.broker.audit;

import io.hoop.api.AuditCheckpoint;
import io.hoop.broker.store.AuditLog;
import io.hoop.broker.store.StoreException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides when to sign: a checkpoint at every multiple of {@code everyRecords} (100, 200, ...) and,
 * when records arrived since the last checkpoint, one at the head every {@code interval}. Exports
 * ask for one at the head so a whole export ends with a signature.
 */
public final class AuditCheckpointer {
  /** Default: a checkpoint every 100 records. */
  public static final int DEFAULT_EVERY_RECORDS = 100;

  /** Default: at most 5 minutes between a record and the checkpoint covering it. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(5);

  private static final Logger LOG = LoggerFactory.getLogger(AuditCheckpointer.class);

  private final AuditLog log;
  private final CheckpointStore checkpoints;
  private final AuditSigner signer;
  private final Clock clock;
  private final int everyRecords;
  private final Duration interval;
  // Guarded by this: the last checkpoint written (by us or found in the store at start).
  private long lastSeq;
  private Instant lastTime;

  AuditCheckpointer(
      AuditLog log,
      CheckpointStore checkpoints,
      AuditSigner signer,
      Clock clock,
      int everyRecords,
      Duration interval) {
    if (everyRecords < 1) {
      throw new IllegalArgumentException("everyRecords is " + everyRecords + "; expected >= 1");
    }
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("interval is " + interval + "; expected > 0");
    }
    this.log = log;
    this.checkpoints = checkpoints;
    this.signer = signer;
    this.clock = clock;
    this.everyRecords = everyRecords;
    this.interval = interval;
    Optional<AuditCheckpoint> last = checkpoints.last();
    this.lastSeq = last.map(AuditCheckpoint::seq).orElse(0L);
    this.lastTime = last.map(c -> Instant.parse(c.time())).orElse(clock.instant());
  }

  /** Signs what is due; runs every second on a worker thread. */
  public synchronized void tick() {
    AuditLog.Head head = log.head();
    long next = (lastSeq / everyRecords + 1) * everyRecords;
    while (next <= head.seq()) {
      String hash = log.hashAt(next);
      if (hash == null) {
        // The store lost a record the chain head is past: never sign over a hole.
        throw new IllegalStateException(
            "audit record " + next + " is missing below head " + head.seq());
      }
      sign(next, hash);
      next += everyRecords;
    }
    if (head.seq() > lastSeq && !clock.instant().isBefore(lastTime.plus(interval))) {
      sign(head.seq(), head.hash());
    }
  }

  /** Like {@link #tick} but logs failures instead of throwing (for the scheduler). */
  void tickQuietly() {
    try {
      tick();
    } catch (StoreException | IllegalStateException e) {
      LOG.error("audit checkpoint failed", e);
    }
  }

  /** Signs the head now unless it is signed already; returns the head the checkpoint covers. */
  public synchronized AuditLog.Head checkpointHead() {
    AuditLog.Head head = log.head();
    if (head.seq() > lastSeq) {
      sign(head.seq(), head.hash());
    }
    return head;
  }

  private void sign(long seq, String hash) {
    Instant now = clock.instant();
    AuditCheckpoint cp = signer.sign(seq, hash, now);
    if (checkpoints.insert(cp)) {
      LOG.debug("audit checkpoint seq={}", seq);
    }
    lastSeq = Math.max(lastSeq, seq);
    lastTime = now;
  }
}
