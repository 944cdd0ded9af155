package io.hoop.broker.audit;

import static java.util.Objects.requireNonNull;

import io.hoop.broker.store.Store;
import io.hoop.broker.store.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code audit_exports} table: which records each unfiltered export held, from its first record
 * to the head it signed. Retention purges audit records only up to what these cover.
 */
public final class AuditExports {
  private final Store store;

  public AuditExports(Store store) {
    this.store = requireNonNull(store, "store");
  }

  /**
   * One recorded export.
   *
   * @param id its id, also in its {@code audit.export} audit record
   * @param exportedAt when it was written
   * @param exportedBy who asked for it
   * @param fromSeq its first record
   * @param toSeq its last record, signed by the checkpoint that ends it
   * @param toHash that record's hash
   */
  public record Covered(
      String id, Instant exportedAt, String exportedBy, long fromSeq, long toSeq, String toHash) {}

  void insert(Covered c) {
    try (Connection conn = store.dataSource().getConnection();
        PreparedStatement ps =
            conn.prepareStatement(
                "insert into audit_exports (id, exported_at, exported_by, from_seq, to_seq,"
                    + " to_hash) values (?, ?, ?, ?, ?, ?)")) {
      ps.setString(1, c.id());
      ps.setObject(2, OffsetDateTime.ofInstant(c.exportedAt(), ZoneOffset.UTC));
      ps.setString(3, c.exportedBy());
      ps.setLong(4, c.fromSeq());
      ps.setLong(5, c.toSeq());
      ps.setString(6, c.toHash());
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException("cannot record audit export " + c.id(), e);
    }
  }

  /** Exports whose last record is after {@code seq}, by first record then last. */
  public List<Covered> endingAfter(long seq) {
    try (Connection conn = store.dataSource().getConnection();
        PreparedStatement ps =
            conn.prepareStatement(
                "select id, exported_at, exported_by, from_seq, to_seq, to_hash from"
                    + " audit_exports where to_seq > ? order by from_seq, to_seq")) {
      ps.setLong(1, seq);
      List<Covered> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(
              new Covered(
                  rs.getString(1),
                  rs.getObject(2, OffsetDateTime.class).toInstant(),
                  rs.getString(3),
                  rs.getLong(4),
                  rs.getLong(5),
                  rs.getString(6)));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("cannot read audit exports", e);
    }
  }

  /**
   * How far exports cover the log without a hole, starting after {@code purgedThrough}: the highest
   * seq such that every record from {@code purgedThrough + 1} to it was in some export. Empty when
   * no export covers the first remaining record.
   */
  public java.util.Optional<Covered> coverageAfter(long purgedThrough) {
    long covered = purgedThrough;
    Covered last = null;
    for (Covered c : endingAfter(purgedThrough)) {
      // Sorted by first record: each one either extends the covered run or starts after a hole.
      if (c.fromSeq() > covered + 1) {
        break;
      }
      if (c.toSeq() > covered) {
        covered = c.toSeq();
        last = c;
      }
    }
    return java.util.Optional.ofNullable(last);
  }
}
