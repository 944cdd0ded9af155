package io.hoop.broker.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.hoop.api.AuditCanonical;
import io.hoop.api.AuditCheckpoint;
import io.hoop.api.AuditExportHeader;
import io.hoop.api.Json;
import io.hoop.broker.store.AuditLog;
import java.io.ByteArrayOutputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * Writes an export as JSON Lines: a header {@code {"export": ...}}, then records oldest first, each
 * checkpoint right after the record it covers as {@code {"checkpoint": ...}}.
 */
public final class AuditExporter {
  /** An export holds at most this many records; narrow it with {@code since}. */
  public static final int MAX_RECORDS = 100_000;

  private static final ObjectWriter LINE = Json.mapper().writer();

  private final AuditLog log;
  private final CheckpointStore checkpoints;
  private final AuditCheckpointer checkpointer;
  private final AuditExports exports;
  private final Clock clock;

  AuditExporter(
      AuditLog log,
      CheckpointStore checkpoints,
      AuditCheckpointer checkpointer,
      AuditExports exports,
      Clock clock) {
    this.log = log;
    this.checkpoints = checkpoints;
    this.checkpointer = checkpointer;
    this.exports = exports;
    this.clock = clock;
  }

  /** What to export; null fields do not filter. */
  public record Query(Instant since, String task, String target, String principal) {
    /** True if records inside the exported range are left out, so the chain has gaps. */
    boolean filtered() {
      return task != null || target != null || principal != null;
    }
  }

  /**
   * The export as NDJSON bytes and how many records it holds.
   *
   * @param covered what it covers without a hole, recorded for retention; null for a filtered or
   *     empty export
   */
  public record Result(byte[] body, int records, AuditExports.Covered covered) {
    public Result(byte[] body, int records) {
      this(body, records, null);
    }
  }

  /** As {@link #export(Query, String)} by an unnamed caller (tests). */
  public Result export(Query q) throws TooLargeException {
    return export(q, "unknown");
  }

  /**
   * Exports the log up to its current head, signing the head first so an unfiltered export ends
   * with a checkpoint. An unfiltered export that does not start at seq 1 (records purged, or a
   * {@code since} cut) starts with the signed checkpoint of the record before its first one as its
   * anchor, when the store has one. An unfiltered export is recorded as covering its records, so
   * retention may purge them.
   *
   * @param exportedBy who asked, for the record of what the export covered
   * @throws TooLargeException if more than {@link #MAX_RECORDS} records match
   */
  public Result export(Query q, String exportedBy) throws TooLargeException {
    AuditLog.Head head = checkpointer.checkpointHead();
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
    write(
        out,
        new AuditExportHeader.Line(
            new AuditExportHeader(
                AuditCanonical.time(AuditCanonical.truncate(clock.instant())),
                q.filtered(),
                q.since() == null ? null : q.since().toString(),
                q.task(),
                q.target(),
                q.principal(),
                head.seq())));
    List<AuditCheckpoint> cps = checkpoints.between(1, head.seq());
    int[] next = {0};
    int[] count = {0};
    long[] first = {0};
    try {
      log.records(
          head.seq(),
          q.since(),
          q.principal(),
          q.task(),
          q.target(),
          r -> {
            if (++count[0] > MAX_RECORDS) {
              throw new Overflow();
            }
            if (count[0] == 1) {
              first[0] = r.seq();
              if (!q.filtered() && r.seq() > 1) {
                checkpoints
                    .between(r.seq() - 1, r.seq() - 1)
                    .forEach(a -> write(out, new AuditCheckpoint.AnchorLine(a)));
              }
            }
            // Checkpoints of records not in this export cannot be matched by a verifier: skip.
            while (next[0] < cps.size() && cps.get(next[0]).seq() < r.seq()) {
              next[0]++;
            }
            write(out, r);
            while (next[0] < cps.size() && cps.get(next[0]).seq() == r.seq()) {
              write(out, new AuditCheckpoint.Line(cps.get(next[0]++)));
            }
          });
    } catch (Overflow e) {
      throw new TooLargeException(
          "the export matches more than "
              + MAX_RECORDS
              + " records; narrow it with since (an ISO time)");
    }
    AuditExports.Covered covered = null;
    if (!q.filtered() && count[0] > 0) {
      covered =
          new AuditExports.Covered(
              "x-" + java.util.UUID.randomUUID(),
              clock.instant(),
              exportedBy,
              first[0],
              head.seq(),
              head.hash());
      exports.insert(covered);
    }
    return new Result(out.toByteArray(), count[0], covered);
  }

  private static void write(ByteArrayOutputStream out, Object line) {
    try {
      out.writeBytes(LINE.writeValueAsBytes(line));
      out.write('\n');
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("cannot write audit export line", e);
    }
  }

  /** Thrown from the row callback to stop reading rows. */
  private static final class Overflow extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Overflow() {
      super(null, null, false, false);
    }
  }

  /** The export would exceed {@link #MAX_RECORDS}. */
  public static final class TooLargeException extends Exception {
    private static final long serialVersionUID = 1L;

    TooLargeException(String message) {
      super(message);
    }
  }
}
