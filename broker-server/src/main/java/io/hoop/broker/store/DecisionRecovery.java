package io.hoop.broker.store;

import static java.util.Objects.requireNonNull;

import io.hoop.api.Durations;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Run once at start: writes the {@code grant.approved} record of every approval the store holds
 * without one. A grant's approval and its audit record are two commits (the grant row, then the
 * record), so a broker killed between them left an approved grant, usable once its requester asks
 * for it, that no record names (BrokerKillIT found them). The record written here says so ({@code
 * recovered}), with the decision as the store has it.
 *
 * <p>Only the tail of the log is read: a missing record can only belong to a decision committed
 * after the records written last, so the last {@value #WINDOW} records and the approvals newer than
 * the oldest of them are compared (far more than the broker's workers can have in flight).
 */
public final class DecisionRecovery {
  static final int WINDOW = 10_000;
  // The lock replicas take to look ("hooprcvr").
  private static final long LOCK = 0x686f6f7072637672L;

  /** Record types that state a grant's approval. */
  private static final Set<String> APPROVALS = Set.of("grant.approved", "grant.break_glass");

  private static final Logger LOG = LoggerFactory.getLogger(DecisionRecovery.class);

  private DecisionRecovery() {}

  /** An approved grant whose approval record is missing. */
  record Unrecorded(
      String id,
      String principal,
      String target,
      String task,
      String decision,
      Duration duration,
      Instant approvedAt,
      Instant expiresAt) {}

  /**
   * Appends the missing approval records.
   *
   * @return how many were written
   * @throws StoreException when the store cannot be read (the broker must not start blind to them)
   */
  public static int recover(Store store, AuditLog audit) {
    requireNonNull(store, "store");
    requireNonNull(audit, "audit");
    List<Unrecorded> missing;
    try (Connection c = store.connection()) {
      missing = unrecorded(c, null);
    } catch (SQLException e) {
      throw new StoreException("cannot look for approvals without their audit record", e);
    }
    return write(missing, audit);
  }

  /**
   * The same for one replica of several, run periodically rather than at start: another replica may
   * be between a decision's two commits right now, so only approvals older than {@code grace}
   * count, and one replica at a time looks (a session-level advisory lock; a replica that finds it
   * taken does nothing this time).
   *
   * @return how many were written
   */
  public static int recoverShared(Store store, AuditLog audit, Instant now, Duration grace) {
    requireNonNull(store, "store");
    requireNonNull(audit, "audit");
    List<Unrecorded> missing;
    try (Connection c = store.connection()) {
      boolean locked;
      try (PreparedStatement ps = c.prepareStatement("select pg_try_advisory_lock(?)")) {
        ps.setLong(1, LOCK);
        try (ResultSet rs = ps.executeQuery()) {
          locked = rs.next() && rs.getBoolean(1);
        }
      }
      if (!locked) {
        return 0;
      }
      try {
        missing = unrecorded(c, now.minus(grace));
        return write(missing, audit);
      } finally {
        try (PreparedStatement ps = c.prepareStatement("select pg_advisory_unlock(?)")) {
          ps.setLong(1, LOCK);
          ps.execute();
        }
      }
    } catch (SQLException e) {
      throw new StoreException("cannot look for approvals without their audit record", e);
    }
  }

  private static int write(List<Unrecorded> missing, AuditLog audit) {
    for (Unrecorded g : missing) {
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("decision", g.decision());
      d.put("duration", Durations.format(g.duration()));
      d.put("approvedAt", g.approvedAt().toString());
      if (g.expiresAt() != null) {
        d.put("expiresAt", g.expiresAt().toString());
      }
      d.put(
          "recovered",
          "the approval was committed but the broker stopped before recording it;"
              + " recorded at the next start");
      audit.append("grant.approved", g.principal(), g.target(), g.id(), g.task(), d);
      LOG.warn(
          "audit record of an approval written at start grant={} principal={} target={}",
          g.id(),
          g.principal(),
          g.target());
    }
    return missing.size();
  }

  static List<Unrecorded> unrecorded(Connection c) throws SQLException {
    return unrecorded(c, null);
  }

  /** As above; with {@code before}, only approvals made before it. */
  static List<Unrecorded> unrecorded(Connection c, Instant before) throws SQLException {
    long last = 0;
    try (PreparedStatement ps = c.prepareStatement("select max(seq) from audit_events");
        ResultSet rs = ps.executeQuery()) {
      if (rs.next()) {
        last = rs.getLong(1);
      }
    }
    Set<String> recorded = new HashSet<>();
    Instant since = null;
    try (PreparedStatement ps =
        c.prepareStatement(
            "select seq, event_time, event_type, grant_id from audit_events where seq > ?"
                + " order by seq")) {
      ps.setLong(1, last - WINDOW);
      try (ResultSet rs = ps.executeQuery()) {
        boolean first = true;
        while (rs.next()) {
          if (first && rs.getLong(1) > 1) {
            // Older records exist: approvals older than this one were recorded before it.
            since = Store.instant(rs.getObject(2, java.time.OffsetDateTime.class));
          }
          first = false;
          if (rs.getString(4) != null && APPROVALS.contains(rs.getString(3))) {
            recorded.add(rs.getString(4));
          }
        }
      }
    }
    String sql =
        "select id, principal, target, task, decision_reason, duration_seconds, approved_at,"
            + " expires_at from grants where status = 'APPROVED'"
            + (since == null ? "" : " and approved_at > ?")
            + (before == null ? "" : " and approved_at < ?")
            + " order by approved_at";
    List<Unrecorded> missing = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      int i = 1;
      if (since != null) {
        ps.setObject(i++, Store.ts(since));
      }
      if (before != null) {
        ps.setObject(i, Store.ts(before));
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String id = rs.getString(1);
          if (!recorded.contains(id)) {
            missing.add(
                new Unrecorded(
                    id,
                    rs.getString(2),
                    rs.getString(3),
                    rs.getString(4),
                    rs.getString(5),
                    Duration.ofSeconds(rs.getLong(6)),
                    Store.instant(rs.getObject(7, java.time.OffsetDateTime.class)),
                    Store.instant(rs.getObject(8, java.time.OffsetDateTime.class))));
          }
        }
      }
    }
    return missing;
  }
}
