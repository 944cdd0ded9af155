package io.hoop.broker.store;

import io.hoop.api.HeldOperation;
import io.hoop.api.HoldStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Held operations in the store (table {@code holds}). Every status change is a compare-and-set on
 * {@code PENDING}, so a reviewer's decision, the timeout and a cancel cannot both win; a pending
 * hold past its expiry reads as EXPIRED ({@link #effective}), computed on read like grants.
 */
public final class HoldStore {
  private static final String COLUMNS =
      "id, session_id, grant_id, principal, target, task, kind, operation, rule, status,"
          + " created_at, expires_at, decided_by, decided_at, reason";

  private final Store store;
  private final String replica;

  /** The holds of a broker that is the store's only replica. */
  public HoldStore(Store store) {
    this(store, null);
  }

  /**
   * The holds of one replica: holds it inserts name it ({@link #replicaOf}), so a reviewer's
   * decision made on another replica reaches the session waiting here.
   */
  public HoldStore(Store store, String replica) {
    this.store = store;
    this.replica = replica;
  }

  /** Stores a new hold; returns once it is committed. */
  public void insert(HeldOperation h) {
    String sql =
        "insert into holds ("
            + COLUMNS
            + ", replica) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    try (Connection c = store.connection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, h.id());
      ps.setString(2, h.sessionId());
      ps.setString(3, h.grantId());
      ps.setString(4, h.principal());
      ps.setString(5, h.target());
      ps.setString(6, h.task());
      ps.setString(7, h.kind());
      ps.setString(8, h.operation());
      ps.setString(9, h.rule());
      ps.setString(10, h.status().name());
      ps.setObject(11, Store.ts(h.createdAt()));
      ps.setObject(12, Store.ts(h.expiresAt()));
      ps.setString(13, h.decidedBy());
      ps.setObject(14, Store.ts(h.decidedAt()));
      ps.setString(15, h.reason());
      ps.setString(16, replica);
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException("cannot store hold " + h.id(), e);
    }
  }

  /** The replica whose session waits for the hold, when it was stored by one. */
  public Optional<String> replicaOf(String id) {
    try (Connection c = store.connection();
        PreparedStatement ps = c.prepareStatement("select replica from holds where id = ?")) {
      ps.setString(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw new StoreException("cannot read hold " + id, e);
    }
  }

  public Optional<HeldOperation> find(String id) {
    List<HeldOperation> l = query("where id = ?", id, 1);
    return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
  }

  /** Holds stored as pending (some may have expired by now), oldest first. */
  public List<HeldOperation> pending(int limit) {
    return query("where status = 'PENDING' order by created_at, id", null, limit);
  }

  /** The principal's holds, newest first. */
  public List<HeldOperation> byPrincipal(String principal, int limit) {
    return query("where principal = ? order by created_at desc, id", principal, limit);
  }

  /** The grant's holds stored as pending. */
  public List<HeldOperation> pendingOfGrant(String grantId) {
    return query("where grant_id = ? and status = 'PENDING' order by created_at", grantId, 10_000);
  }

  /**
   * A reviewer's decision: PENDING to {@code to} unless the hold changed or expired meanwhile.
   *
   * @return false when it was no longer pending at {@code at}
   */
  public boolean decide(String id, HoldStatus to, String by, String reason, Instant at) {
    return update(id, to, by, reason, at, " and expires_at > ?");
  }

  /**
   * Ends a pending hold as {@code to} (EXPIRED or CANCELLED) whatever its expiry: the timeout, a
   * cancel, the grant's end.
   *
   * @return false when it was no longer pending
   */
  public boolean end(String id, HoldStatus to, String by, String reason, Instant at) {
    return update(id, to, by, reason, at, "");
  }

  private boolean update(
      String id, HoldStatus to, String by, String reason, Instant at, String condition) {
    if (to == HoldStatus.PENDING) {
      throw new IllegalArgumentException("a hold cannot go back to PENDING: " + id);
    }
    String sql =
        "update holds set status = ?, decided_by = ?, decided_at = ?, reason = ?"
            + " where id = ? and status = 'PENDING'"
            + condition;
    try (Connection c = store.connection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, to.name());
      ps.setString(2, by);
      ps.setObject(3, Store.ts(at));
      ps.setString(4, reason);
      ps.setString(5, id);
      if (!condition.isEmpty()) {
        ps.setObject(6, Store.ts(at));
      }
      return ps.executeUpdate() == 1;
    } catch (SQLException e) {
      throw new StoreException("cannot change hold " + id + " to " + to, e);
    }
  }

  /** The hold as of {@code now}: a pending hold past its expiry reads as EXPIRED. */
  public static HeldOperation effective(HeldOperation h, Instant now) {
    if (h.status() != HoldStatus.PENDING || now.isBefore(h.expiresAt())) {
      return h;
    }
    return new HeldOperation(
        h.id(),
        h.sessionId(),
        h.grantId(),
        h.principal(),
        h.target(),
        h.task(),
        h.kind(),
        h.operation(),
        h.rule(),
        HoldStatus.EXPIRED,
        h.createdAt(),
        h.expiresAt(),
        "hoop",
        h.expiresAt(),
        "no reviewer decided in time");
  }

  private List<HeldOperation> query(String where, String arg, int limit) {
    String sql = "select " + COLUMNS + " from holds " + where + " limit ?";
    try (Connection c = store.connection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      int i = 1;
      if (arg != null) {
        ps.setString(i++, arg);
      }
      ps.setInt(i, limit);
      List<HeldOperation> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(
              new HeldOperation(
                  rs.getString(1),
                  rs.getString(2),
                  rs.getString(3),
                  rs.getString(4),
                  rs.getString(5),
                  rs.getString(6),
                  rs.getString(7),
                  rs.getString(8),
                  rs.getString(9),
                  HoldStatus.valueOf(rs.getString(10)),
                  Store.instant(rs.getObject(11, OffsetDateTime.class)),
                  Store.instant(rs.getObject(12, OffsetDateTime.class)),
                  rs.getString(13),
                  Store.instant(rs.getObject(14, OffsetDateTime.class)),
                  rs.getString(15)));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("cannot read holds", e);
    }
  }
}
