package io.hoop.broker.store;

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
 * The after-the-fact reviews break-glass grants owe: opened with the grant, closed once by a
 * reviewer with a comment (a compare-and-set, so two reviewers cannot both close it).
 */
public final class BreakGlassReviews {
  private final Store store;

  BreakGlassReviews(Store store) {
    this.store = store;
  }

  /**
   * One review.
   *
   * @param reviewedBy who closed it; null while open
   * @param reviewedAt when it was closed; null while open
   * @param comment the reviewer's comment; null while open
   */
  public record Review(
      String grantId,
      String target,
      String principal,
      Instant openedAt,
      String reviewedBy,
      Instant reviewedAt,
      String comment) {
    public boolean open() {
      return reviewedAt == null;
    }
  }

  public void open(String grantId, String target, String principal, Instant at) {
    String sql =
        "insert into break_glass_reviews (grant_id, target, principal, opened_at) values (?, ?, ?, ?)";
    try (Connection c = store.connection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, grantId);
      ps.setString(2, target);
      ps.setString(3, principal);
      ps.setObject(4, Store.ts(at));
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException("cannot open the break-glass review of grant " + grantId, e);
    }
  }

  /** Closes an open review; false when it was closed already (or does not exist). */
  public boolean close(String grantId, String by, String comment, Instant at) {
    String sql =
        "update break_glass_reviews set reviewed_by = ?, reviewed_at = ?, review_comment = ?"
            + " where grant_id = ? and reviewed_at is null";
    try (Connection c = store.connection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, by);
      ps.setObject(2, Store.ts(at));
      ps.setString(3, comment);
      ps.setString(4, grantId);
      return ps.executeUpdate() == 1;
    } catch (SQLException e) {
      throw new StoreException("cannot close the break-glass review of grant " + grantId, e);
    }
  }

  public Optional<Review> find(String grantId) {
    List<Review> r = query(" where grant_id = ?", grantId, 1);
    return r.isEmpty() ? Optional.empty() : Optional.of(r.get(0));
  }

  /** Open reviews, oldest first. */
  public List<Review> open(int limit) {
    return query(" where reviewed_at is null order by opened_at", null, limit);
  }

  private List<Review> query(String where, String arg, int limit) {
    String sql =
        "select grant_id, target, principal, opened_at, reviewed_by, reviewed_at, review_comment"
            + " from break_glass_reviews"
            + where
            + " limit ?";
    try (Connection c = store.connection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      int i = 1;
      if (arg != null) {
        ps.setString(i++, arg);
      }
      ps.setInt(i, limit);
      List<Review> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(
              new Review(
                  rs.getString(1),
                  rs.getString(2),
                  rs.getString(3),
                  Store.instant(rs.getObject(4, OffsetDateTime.class)),
                  rs.getString(5),
                  Store.instant(rs.getObject(6, OffsetDateTime.class)),
                  rs.getString(7)));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("cannot read break-glass reviews", e);
    }
  }
}
