package io.hoop.broker.store;

import static java.util.Objects.requireNonNull;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The brokers serving from this store (table {@code broker_replicas}): each refreshes its row every
 * few seconds; one whose row is recent is alive.
 */
public final class ReplicaStore {
  /** A replica as the store knows it. */
  public record Replica(String id, String url, boolean sharesKeys, Instant seenAt) {}

  private final Store store;

  public ReplicaStore(Store store) {
    this.store = requireNonNull(store, "store");
  }

  /** Adds this replica's row. */
  public void join(String id, String url, boolean sharesKeys, Instant now) {
    String sql =
        "insert into broker_replicas (id, url, shares_keys, started_at, seen_at)"
            + " values (?, ?, ?, ?, ?)";
    try (Connection c = store.connection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, id);
      ps.setString(2, url);
      ps.setBoolean(3, sharesKeys);
      ps.setObject(4, Store.ts(now));
      ps.setObject(5, Store.ts(now));
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException("cannot register replica " + id, e);
    }
  }

  /**
   * Refreshes this replica's row (adding it back if another replica dropped it as stale) and drops
   * rows not seen for {@code forgetAfter}.
   */
  public void heartbeat(
      String id, String url, boolean sharesKeys, Instant now, Duration forgetAfter) {
    try (Connection c = store.connection()) {
      int n;
      try (PreparedStatement ps =
          c.prepareStatement("update broker_replicas set seen_at = ? where id = ?")) {
        ps.setObject(1, Store.ts(now));
        ps.setString(2, id);
        n = ps.executeUpdate();
      }
      if (n == 0) {
        join(id, url, sharesKeys, now);
      }
      try (PreparedStatement ps =
          c.prepareStatement("delete from broker_replicas where seen_at < ?")) {
        ps.setObject(1, Store.ts(now.minus(forgetAfter)));
        ps.executeUpdate();
      }
    } catch (SQLException e) {
      throw new StoreException("cannot refresh replica " + id, e);
    }
  }

  /** Replicas seen since {@code since}. */
  public List<Replica> seenSince(Instant since) {
    String sql =
        "select id, url, shares_keys, seen_at from broker_replicas where seen_at >= ? order by id";
    try (Connection c = store.connection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setObject(1, Store.ts(since));
      List<Replica> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(
              new Replica(
                  rs.getString(1),
                  rs.getString(2),
                  rs.getBoolean(3),
                  Store.instant(rs.getObject(4, java.time.OffsetDateTime.class))));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("cannot list replicas", e);
    }
  }

  /** Removes this replica's row (it stops). */
  public void leave(String id) {
    try (Connection c = store.connection();
        PreparedStatement ps = c.prepareStatement("delete from broker_replicas where id = ?")) {
      ps.setString(1, id);
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException("cannot remove replica " + id, e);
    }
  }
}
