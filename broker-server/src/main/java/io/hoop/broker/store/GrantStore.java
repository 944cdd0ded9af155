package io.hoop.broker.store;

import io.hoop.api.GrantStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Optional;

/** Grants in the store. */
public final class GrantStore {
  private static final String COLUMNS =
      "id, principal, target, target_type, role, task, reason, status, decision_reason,"
          + " duration_seconds, requested_at, approved_at, expires_at";
  private final Store store;

  public GrantStore(Store store) {
    this.store = store;
  }

  public void insert(StoredGrant g) {
    String sql =
        "insert into grants (" + COLUMNS + ") values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    try (Connection c = store.connection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, g.id());
      ps.setString(2, g.principal());
      ps.setString(3, g.target());
      ps.setString(4, g.targetType());
      ps.setString(5, g.role());
      ps.setString(6, g.task());
      ps.setString(7, g.reason());
      ps.setString(8, g.status().name());
      ps.setString(9, g.decisionReason());
      ps.setLong(10, g.duration().getSeconds());
      ps.setObject(11, Store.ts(g.requestedAt()));
      ps.setObject(12, Store.ts(g.approvedAt()));
      ps.setObject(13, Store.ts(g.expiresAt()));
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException("cannot store grant " + g.id(), e);
    }
  }

  public Optional<StoredGrant> find(String id) {
    try (Connection c = store.connection();
        PreparedStatement ps =
            c.prepareStatement("select " + COLUMNS + " from grants where id = ?")) {
      ps.setString(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(read(rs)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw new StoreException("cannot read grant " + id, e);
    }
  }

  private static StoredGrant read(ResultSet rs) throws SQLException {
    return new StoredGrant(
        rs.getString(1),
        rs.getString(2),
        rs.getString(3),
        rs.getString(4),
        rs.getString(5),
        rs.getString(6),
        rs.getString(7),
        GrantStatus.valueOf(rs.getString(8)),
        rs.getString(9),
        Duration.ofSeconds(rs.getLong(10)),
        Store.instant(rs.getObject(11, OffsetDateTime.class)),
        Store.instant(rs.getObject(12, OffsetDateTime.class)),
        Store.instant(rs.getObject(13, OffsetDateTime.class)));
  }
}
