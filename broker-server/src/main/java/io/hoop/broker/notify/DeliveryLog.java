package io.hoop.broker.notify;

import io.hoop.broker.store.Store;
import io.hoop.broker.store.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** The {@code webhook_deliveries} table: every attempt to deliver a notification. */
public final class DeliveryLog {
  private static final int MAX_ERROR = 500;

  private final Store store;
  private final Consumer<DeliveryRecord> attempted;

  public DeliveryLog(Store store) {
    this(store, r -> {});
  }

  /**
   * @param attempted told of every attempt before it is stored (the metrics count it even when the
   *     store is down)
   */
  public DeliveryLog(Store store, Consumer<DeliveryRecord> attempted) {
    this.store = store;
    this.attempted = java.util.Objects.requireNonNull(attempted, "attempted");
  }

  /** Records one attempt; {@code seq} of the argument is ignored. */
  public void record(DeliveryRecord r) {
    attempted.accept(r);
    try (Connection c = store.dataSource().getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "insert into webhook_deliveries (delivery_id, attempted_at, event, webhook,"
                    + " grant_id, attempt, status_code, error, delivered)"
                    + " values (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      ps.setString(1, r.delivery());
      ps.setObject(2, OffsetDateTime.ofInstant(r.at(), ZoneOffset.UTC));
      ps.setString(3, r.event());
      ps.setString(4, r.webhook());
      ps.setString(5, r.grantId());
      ps.setInt(6, r.attempt());
      if (r.status() == null) {
        ps.setNull(7, Types.INTEGER);
      } else {
        ps.setInt(7, r.status());
      }
      String error = r.error();
      ps.setString(
          8, error != null && error.length() > MAX_ERROR ? error.substring(0, MAX_ERROR) : error);
      ps.setBoolean(9, r.delivered());
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException("cannot record webhook delivery " + r.delivery(), e);
    }
  }

  /** The newest attempts first; {@code grantId} null means all grants. */
  public List<DeliveryRecord> list(String grantId, int limit) {
    String sql =
        "select seq, delivery_id, attempted_at, event, webhook, grant_id, attempt, status_code,"
            + " error, delivered from webhook_deliveries"
            + (grantId == null ? "" : " where grant_id = ?")
            + " order by seq desc limit ?";
    try (Connection c = store.dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      int i = 1;
      if (grantId != null) {
        ps.setString(i++, grantId);
      }
      ps.setInt(i, limit);
      List<DeliveryRecord> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          int status = rs.getInt(8);
          Integer code = rs.wasNull() ? null : status;
          out.add(
              new DeliveryRecord(
                  rs.getLong(1),
                  rs.getString(2),
                  instant(rs.getObject(3, OffsetDateTime.class)),
                  rs.getString(4),
                  rs.getString(5),
                  rs.getString(6),
                  rs.getInt(7),
                  code,
                  rs.getString(9),
                  rs.getBoolean(10)));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("cannot list webhook deliveries", e);
    }
  }

  private static Instant instant(OffsetDateTime t) {
    return t == null ? null : t.toInstant();
  }
}
