package io.hoop.broker.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Entitlements and their access reviews in the store. */
public final class EntitlementStore {
  private static final String COLUMNS =
      "id, principal, group_name, target, max_duration_seconds, status, reviewed_by, reviewed_at,"
          + " review_expires_at, review_comment";
  // Every grant request reads its target's entitlements: they are cached briefly. Writes through
  // this class bump the generation, so this broker never serves what it changed itself; another
  // broker on the same PostgreSQL store sees a change within CACHE_TTL.
  private static final long CACHE_TTL_NANOS = java.time.Duration.ofSeconds(1).toNanos();

  private final Store store;
  private final java.util.concurrent.atomic.AtomicLong generation =
      new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.ConcurrentHashMap<String, Cached> byTarget =
      new java.util.concurrent.ConcurrentHashMap<>();

  private record Cached(List<StoredEntitlement> rows, long generation, long loadedAtNanos) {}

  public EntitlementStore(Store store) {
    this.store = store;
  }

  /** Forgets cached reads; called after every write, once it is committed. */
  private void invalidate() {
    generation.incrementAndGet();
    byTarget.clear();
  }

  /**
   * Inserts the entitlement when its id is new; otherwise only refreshes its cap, so reviews and
   * revocations recorded in the store survive a restart with the same config.
   *
   * @return true when it was inserted
   */
  public boolean seed(StoredEntitlement e) {
    try {
      return seedRow(e);
    } finally {
      invalidate();
    }
  }

  private boolean seedRow(StoredEntitlement e) {
    try (Connection c = store.connection()) {
      try (PreparedStatement up =
          c.prepareStatement("update entitlements set max_duration_seconds = ? where id = ?")) {
        up.setLong(1, e.maxDuration().getSeconds());
        up.setString(2, e.id());
        if (up.executeUpdate() == 1) {
          return false;
        }
      }
      try (PreparedStatement ins =
          c.prepareStatement(
              "insert into entitlements (" + COLUMNS + ") values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        ins.setString(1, e.id());
        ins.setString(2, e.principal());
        ins.setString(3, e.group());
        ins.setString(4, e.target());
        ins.setLong(5, e.maxDuration().getSeconds());
        ins.setString(6, e.status());
        ins.setString(7, e.reviewedBy());
        ins.setObject(8, Store.ts(e.reviewedAt()));
        ins.setObject(9, Store.ts(e.reviewExpiresAt()));
        ins.setString(10, e.reviewComment());
        ins.executeUpdate();
        return true;
      }
    } catch (SQLException ex) {
      throw new StoreException("cannot seed entitlement " + e.id(), ex);
    }
  }

  /**
   * Deletes rows whose ids are not in {@code keep}: entitlements removed from the config.
   *
   * @return how many were removed
   */
  public int retainOnly(List<String> keep) {
    List<String> gone = new ArrayList<>();
    for (StoredEntitlement e : all()) {
      if (!keep.contains(e.id())) {
        gone.add(e.id());
      }
    }
    try (Connection c = store.connection();
        PreparedStatement ps = c.prepareStatement("delete from entitlements where id = ?")) {
      for (String id : gone) {
        ps.setString(1, id);
        ps.executeUpdate();
      }
      return gone.size();
    } catch (SQLException ex) {
      throw new StoreException("cannot remove entitlements " + gone, ex);
    } finally {
      invalidate();
    }
  }

  public Optional<StoredEntitlement> find(String id) {
    List<StoredEntitlement> l = query(" where id = ?", id);
    return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
  }

  /** Every entitlement on a target. */
  public List<StoredEntitlement> forTarget(String target) {
    long gen = generation.get();
    long now = System.nanoTime();
    Cached c = byTarget.get(target);
    if (c != null && c.generation() == gen && now - c.loadedAtNanos() < CACHE_TTL_NANOS) {
      return c.rows();
    }
    List<StoredEntitlement> rows = List.copyOf(query(" where target = ? order by id", target));
    // A write that committed while we read bumped the generation: then the rows may be stale.
    if (generation.get() == gen) {
      byTarget.put(target, new Cached(rows, gen, now));
    }
    return rows;
  }

  public List<StoredEntitlement> all() {
    return query(" order by target, id", null);
  }

  /** Records a certification and makes the entitlement active again if it was revoked. */
  public void certify(String id, String by, Instant at, Instant until, String comment) {
    update(
        "update entitlements set status = 'active', reviewed_by = ?, reviewed_at = ?,"
            + " review_expires_at = ?, review_comment = ?, revoked_by = null, revoked_at = null,"
            + " revoke_reason = null where id = ?",
        id,
        by,
        Store.ts(at),
        Store.ts(until),
        comment,
        id);
  }

  /** Marks an entitlement revoked; requests under it are then treated as having none. */
  public void revoke(String id, String by, Instant at, String reason) {
    update(
        "update entitlements set status = 'revoked', revoked_by = ?, revoked_at = ?,"
            + " revoke_reason = ? where id = ?",
        id,
        by,
        Store.ts(at),
        reason,
        id);
  }

  private void update(String sql, String id, Object... args) {
    try (Connection c = store.connection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setObject(i + 1, args[i]);
      }
      if (ps.executeUpdate() != 1) {
        throw new StoreException("entitlement " + id + " does not exist", null);
      }
    } catch (SQLException ex) {
      throw new StoreException("cannot update entitlement " + id, ex);
    } finally {
      invalidate();
    }
  }

  private List<StoredEntitlement> query(String where, String arg) {
    try (Connection c = store.connection();
        PreparedStatement ps =
            c.prepareStatement("select " + COLUMNS + " from entitlements" + where)) {
      if (arg != null) {
        ps.setString(1, arg);
      }
      List<StoredEntitlement> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(
              new StoredEntitlement(
                  rs.getString(1),
                  rs.getString(2),
                  rs.getString(3),
                  rs.getString(4),
                  Duration.ofSeconds(rs.getLong(5)),
                  rs.getString(6),
                  rs.getString(7),
                  Store.instant(rs.getObject(8, OffsetDateTime.class)),
                  Store.instant(rs.getObject(9, OffsetDateTime.class)),
                  rs.getString(10)));
        }
      }
      return out;
    } catch (SQLException ex) {
      throw new StoreException("cannot read entitlements", ex);
    }
  }
}
