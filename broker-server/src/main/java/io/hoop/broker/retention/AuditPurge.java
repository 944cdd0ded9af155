package io.hoop.broker.retention;

import io.hoop.broker.audit.AuditExports;
import io.hoop.broker.config.RetentionConfig.Keep;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Purges a prefix of the audit chain, never past what an export covered and always ending at a
 * record with a signed checkpoint, which stays in the store as the anchor of later exports: {@code
 * hoop audit verify} checks that the first remaining record links to that signed hash, so the
 * removed prefix is proved intact up to it by the old export that holds it. The newest record is
 * never purged (it is the chain's head).
 */
final class AuditPurge {
  static final String KIND = "audit";

  /** Records per delete, roughly: each batch ends at a checkpoint (every 100 records). */
  static final int BATCH = 1000;

  private final AuditExports exports;

  AuditPurge(AuditExports exports) {
    this.exports = exports;
  }

  /**
   * What a purge would do now.
   *
   * @param purgedThrough the last record already gone (0: none)
   * @param through the last record to remove (a checkpointed seq), or {@code purgedThrough} when
   *     nothing can go
   * @param anchorHash the signed hash of {@code through}
   * @param records records that would go
   * @param oldest the oldest remaining record's seq and time, or null for an empty log
   * @param oldestTime its time
   * @param heldBack why less goes than the retention allows, or null
   */
  record Plan(
      long purgedThrough,
      long through,
      String anchorHash,
      long records,
      long oldest,
      Instant oldestTime,
      String heldBack) {}

  Plan plan(Connection c, Keep keep, Instant now) throws SQLException {
    long min = 0;
    long max = 0;
    Instant oldestTime = null;
    try (PreparedStatement ps = c.prepareStatement("select min(seq), max(seq) from audit_events");
        ResultSet rs = ps.executeQuery()) {
      if (rs.next()) {
        min = rs.getLong(1);
        max = rs.getLong(2);
      }
    }
    if (max == 0) {
      return new Plan(0, 0, null, 0, 0, null, null);
    }
    try (PreparedStatement ps =
        c.prepareStatement("select event_time from audit_events where seq = ?")) {
      ps.setLong(1, min);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          oldestTime = rs.getObject(1, OffsetDateTime.class).toInstant();
        }
      }
    }
    long purgedThrough = min - 1;
    Optional<Instant> cutoff = keep.cutoff(now);
    if (cutoff.isEmpty()) {
      return new Plan(purgedThrough, purgedThrough, null, 0, min, oldestTime, null);
    }
    long due = 0;
    // Times never go back along the chain (the writer takes seq and time together), so every
    // record up to the last one older than the cutoff is older too.
    try (PreparedStatement ps =
        c.prepareStatement("select max(seq) from audit_events where event_time < ?")) {
      ps.setObject(1, OffsetDateTime.ofInstant(cutoff.get(), ZoneOffset.UTC));
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          due = rs.getLong(1);
        }
      }
    }
    if (due <= purgedThrough) {
      return new Plan(purgedThrough, purgedThrough, null, 0, min, oldestTime, null);
    }
    String held = null;
    long limit = due;
    Optional<AuditExports.Covered> covered = exports.coverageAfter(purgedThrough);
    if (covered.isEmpty()) {
      held =
          "records up to seq "
              + due
              + " are due, but no export covers records after seq "
              + purgedThrough
              + "; export the audit log (hoop audit export, as a member of auditors) to let the"
              + " purge go on";
      limit = purgedThrough;
    } else if (covered.get().toSeq() < due) {
      held =
          "records up to seq "
              + due
              + " are due, but no export covers records after seq "
              + covered.get().toSeq()
              + " (last covering export "
              + covered.get().id()
              + " at "
              + covered.get().exportedAt()
              + ")";
      limit = covered.get().toSeq();
    }
    if (limit >= max) {
      limit = max - 1;
    }
    long through = purgedThrough;
    String anchor = null;
    if (limit > purgedThrough) {
      try (PreparedStatement ps =
          c.prepareStatement(
              "select seq, hash from audit_checkpoints where seq > ? and seq <= ?"
                  + " order by seq desc limit 1")) {
        ps.setLong(1, purgedThrough);
        ps.setLong(2, limit);
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            through = rs.getLong(1);
            anchor = rs.getString(2);
          }
        }
      }
      if (through == purgedThrough) {
        held =
            (held == null ? "" : held + "; ")
                + "no signed checkpoint between seq "
                + (purgedThrough + 1)
                + " and "
                + limit
                + " to anchor the remaining records";
      }
    }
    return new Plan(purgedThrough, through, anchor, through - purgedThrough, min, oldestTime, held);
  }

  /**
   * Deletes the planned prefix in batches, each ending at a checkpoint and committed on its own, so
   * a purge cut short leaves a prefix that later exports can still anchor.
   *
   * @param betweenBatches runs after each committed batch (tests pause there)
   * @return records deleted
   */
  long run(Connection c, Plan plan, Runnable betweenBatches) throws SQLException {
    if (plan.through() <= plan.purgedThrough()) {
      return 0;
    }
    String stored = null;
    try (PreparedStatement ps = c.prepareStatement("select hash from audit_events where seq = ?")) {
      ps.setLong(1, plan.through());
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          stored = rs.getString(1);
        }
      }
    }
    if (!plan.anchorHash().equals(stored)) {
      // Fail closed: a checkpoint that does not sign the stored record cannot anchor anything.
      throw new IllegalStateException(
          "the signed checkpoint of audit seq "
              + plan.through()
              + " does not match the stored record's hash; not purging (verify the log)");
    }
    List<Long> bounds = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "select seq from audit_checkpoints where seq > ? and seq <= ? order by seq")) {
      ps.setLong(1, plan.purgedThrough());
      ps.setLong(2, plan.through());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          bounds.add(rs.getLong(1));
        }
      }
    }
    long deleted = 0;
    long lo = plan.purgedThrough();
    int i = 0;
    while (lo < plan.through()) {
      // The furthest checkpoint within a batch, or the next one if they are further apart.
      long hi = bounds.get(i);
      while (i + 1 < bounds.size() && bounds.get(i + 1) <= lo + BATCH) {
        hi = bounds.get(++i);
      }
      i++;
      c.setAutoCommit(false);
      try (PreparedStatement del =
              c.prepareStatement("delete from audit_events where seq > ? and seq <= ?");
          PreparedStatement cps =
              c.prepareStatement("delete from audit_checkpoints where seq < ?")) {
        del.setLong(1, lo);
        del.setLong(2, hi);
        deleted += del.executeUpdate();
        cps.setLong(1, hi);
        cps.executeUpdate();
        c.commit();
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
      lo = hi;
      betweenBatches.run();
    }
    return deleted;
  }
}
