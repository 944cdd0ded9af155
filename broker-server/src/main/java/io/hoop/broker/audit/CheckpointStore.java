package io.hoop.broker.audit;

import io.hoop.api.AuditCanonical;
import io.hoop.api.AuditCheckpoint;
import io.hoop.broker.store.Store;
import io.hoop.broker.store.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The {@code audit_checkpoints} table: signed checkpoints, one per covered seq. */
final class CheckpointStore {
  private final Store store;

  CheckpointStore(Store store) {
    this.store = store;
  }

  /** Stores a checkpoint; false if one for that seq exists already (another replica signed it). */
  boolean insert(AuditCheckpoint cp) {
    try (Connection c = store.dataSource().getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "insert into audit_checkpoints (seq, hash, signed_at, jws) values (?, ?, ?, ?)")) {
      ps.setLong(1, cp.seq());
      ps.setString(2, cp.hash());
      ps.setObject(
          3, OffsetDateTime.ofInstant(AuditCanonical.parseTime(cp.time()), ZoneOffset.UTC));
      ps.setString(4, cp.jws());
      ps.executeUpdate();
      return true;
    } catch (SQLException e) {
      if ("23505".equals(e.getSQLState())) {
        return false;
      }
      throw new StoreException("cannot store audit checkpoint at seq " + cp.seq(), e);
    }
  }

  /** The checkpoint with the highest seq, if any. */
  Optional<AuditCheckpoint> last() {
    List<AuditCheckpoint> l =
        query("select seq, hash, signed_at, jws from audit_checkpoints order by seq desc limit 1");
    return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
  }

  /** Checkpoints with {@code from <= seq <= to}, oldest first. */
  List<AuditCheckpoint> between(long from, long to) {
    return query(
        "select seq, hash, signed_at, jws from audit_checkpoints where seq >= ? and seq <= ?"
            + " order by seq",
        from,
        to);
  }

  private List<AuditCheckpoint> query(String sql, long... args) {
    try (Connection c = store.dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setLong(i + 1, args[i]);
      }
      List<AuditCheckpoint> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(
              new AuditCheckpoint(
                  rs.getLong(1),
                  rs.getString(2),
                  AuditCanonical.time(rs.getObject(3, OffsetDateTime.class).toInstant()),
                  rs.getString(4)));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("cannot read audit checkpoints", e);
    }
  }
}
