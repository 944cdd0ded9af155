package io.hoop.broker.retention;

import io.hoop.broker.store.Store;
import io.hoop.broker.store.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The {@code retention_purges} table: one row per purge that removed something or was held. */
final class PurgeLedger {
  private final Store store;

  PurgeLedger(Store store) {
    this.store = store;
  }

  void insert(Connection c, Instant at, PurgeReport.Kind k) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "insert into retention_purges (kind, purged_at, cutoff, deleted, through_seq,"
                + " anchor_hash, held_back) values (?, ?, ?, ?, ?, ?, ?)")) {
      ps.setString(1, k.kind());
      ps.setObject(2, OffsetDateTime.ofInstant(at, ZoneOffset.UTC));
      // A kind kept forever globally may still purge per target: its cutoffs differ, say "now".
      ps.setObject(
          3, OffsetDateTime.ofInstant(k.cutoff() == null ? at : k.cutoff(), ZoneOffset.UTC));
      ps.setLong(4, k.deleted());
      if (k.throughSeq() > 0) {
        ps.setLong(5, k.throughSeq());
      } else {
        ps.setNull(5, java.sql.Types.BIGINT);
      }
      ps.setString(6, k.anchorHash());
      ps.setString(7, clip(k.heldBack()));
      ps.executeUpdate();
    }
  }

  /** The latest purge of {@code kind} that removed something, as status shows it. */
  Optional<Map<String, Object>> last(String kind) {
    try (Connection c = store.dataSource().getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "select purged_at, cutoff, deleted, through_seq, held_back from retention_purges"
                    + " where kind = ? and deleted > 0 order by id desc limit 1")) {
      ps.setString(1, kind);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("at", rs.getObject(1, OffsetDateTime.class).toInstant().toString());
        m.put("before", rs.getObject(2, OffsetDateTime.class).toInstant().toString());
        m.put("deleted", rs.getLong(3));
        long through = rs.getLong(4);
        if (!rs.wasNull()) {
          m.put("throughSeq", through);
        }
        if (rs.getString(5) != null) {
          m.put("heldBack", rs.getString(5));
        }
        return Optional.of(m);
      }
    } catch (SQLException e) {
      throw new StoreException("cannot read the last " + kind + " purge", e);
    }
  }

  private static String clip(String s) {
    return s == null || s.length() <= 1000 ? s : s.substring(0, 997) + "...";
  }
}
