package io.hoop.broker.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import io.hoop.api.Approval;
import io.hoop.api.GrantStatus;
import io.hoop.api.Json;
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

/**
 * Grants and their approvals in the store. Every status change is a compare-and-set on the current
 * status (and, for live grants, on not having expired), so two reviewers acting at once cannot both
 * win and a timed-out request cannot be approved.
 */
public final class GrantStore {
  private static final String COLUMNS =
      "id, principal, target, target_type, role, task, reason, status, decision_reason,"
          + " duration_seconds, requested_at, approved_at, expires_at, decided_by, entitlement_id,"
          + " reviewer_groups, approvals_required, pending_expires_at";
  private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};
  private static final String UNIQUE_VIOLATION = "23505";
  private static final String STILL_LIVE =
      " and ((status = 'APPROVED' and expires_at > ?) or (status = 'PENDING' and"
          + " pending_expires_at > ?))";

  private final Store store;
  private final BreakGlassReviews breakGlass;

  private static final int FIND_BATCH = 500;

  public GrantStore(Store store) {
    this.store = store;
    this.breakGlass = new BreakGlassReviews(store);
  }

  /** The after-the-fact reviews of break-glass grants. */
  public BreakGlassReviews breakGlassReviews() {
    return breakGlass;
  }

  public void insert(StoredGrant g) {
    String sql =
        "insert into grants ("
            + COLUMNS
            + ") values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
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
      ps.setString(14, g.decidedBy());
      ps.setString(15, g.entitlementId());
      ps.setString(16, Json.mapper().writeValueAsString(g.reviewerGroups()));
      ps.setInt(17, g.approvalsRequired());
      ps.setObject(18, Store.ts(g.pendingExpiresAt()));
      ps.executeUpdate();
    } catch (SQLException | JsonProcessingException e) {
      throw new StoreException("cannot store grant " + g.id(), e);
    }
  }

  public Optional<StoredGrant> find(String id) {
    List<StoredGrant> l = query("where id = ?", List.of(id), 1);
    return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
  }

  /** The grants of {@code ids} that exist, queried in batches (a replica's live tunnels). */
  public List<StoredGrant> findAll(java.util.Collection<String> ids) {
    List<String> all = List.copyOf(new java.util.LinkedHashSet<>(ids));
    List<StoredGrant> out = new java.util.ArrayList<>();
    for (int from = 0; from < all.size(); from += FIND_BATCH) {
      List<String> batch = all.subList(from, Math.min(all.size(), from + FIND_BATCH));
      String marks = String.join(", ", java.util.Collections.nCopies(batch.size(), "?"));
      out.addAll(query("where id in (" + marks + ")", batch, batch.size()));
    }
    return out;
  }

  /** The principal's grants, newest first. */
  public List<StoredGrant> byPrincipal(String principal, int limit) {
    return query("where principal = ? order by requested_at desc", List.of(principal), limit);
  }

  /** Grants stored with this status (effective status may differ), newest first. */
  public List<StoredGrant> byStatus(GrantStatus status, int limit) {
    return query("where status = ? order by requested_at desc", List.of(status.name()), limit);
  }

  /** All grants, newest first. */
  public List<StoredGrant> recent(int limit) {
    return query("order by requested_at desc", List.of(), limit);
  }

  /** Grants made under an entitlement that are still pending or approved (as stored). */
  public List<StoredGrant> liveUnderEntitlement(String entitlementId) {
    return query(
        "where entitlement_id = ? and status in ('PENDING', 'APPROVED') order by requested_at",
        List.of(entitlementId),
        10_000);
  }

  /**
   * Records one person's approval.
   *
   * @return false when this person had already approved this grant (nothing changes)
   */
  public boolean addApproval(String grantId, String approver, Instant at, String comment) {
    return addApproval(grantId, approver, at, comment, 0);
  }

  /**
   * Records one person's approval in approval stage {@code stage} (0-based).
   *
   * @return false when this person had already approved this grant (nothing changes)
   */
  public boolean addApproval(
      String grantId, String approver, Instant at, String comment, int stage) {
    String sql =
        "insert into grant_approvals (grant_id, approver, approved_at, comment, stage)"
            + " values (?, ?, ?, ?, ?)";
    try (Connection c = store.connection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, grantId);
      ps.setString(2, approver);
      ps.setObject(3, Store.ts(at));
      ps.setString(4, comment);
      ps.setInt(5, stage);
      ps.executeUpdate();
      return true;
    } catch (SQLException e) {
      if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
        return false;
      }
      throw new StoreException("cannot store approval of grant " + grantId, e);
    }
  }

  /** Approvals of a grant, oldest first. */
  public List<Approval> approvals(String grantId) {
    String sql =
        "select approver, approved_at, comment, stage from grant_approvals where grant_id = ?"
            + " order by approved_at, approver";
    try (Connection c = store.connection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, grantId);
      List<Approval> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(
              new Approval(
                  rs.getString(1),
                  Store.instant(rs.getObject(2, OffsetDateTime.class)),
                  rs.getString(3),
                  rs.getInt(4)));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new StoreException("cannot read approvals of grant " + grantId, e);
    }
  }

  /**
   * PENDING → APPROVED, only while the request has not timed out.
   *
   * @return false when someone else decided first or the request timed out
   */
  public boolean approve(
      String id, String decidedBy, String reason, Instant approvedAt, Instant expiresAt) {
    String sql =
        "update grants set status = 'APPROVED', decided_by = ?, decision_reason = ?,"
            + " approved_at = ?, expires_at = ? where id = ? and status = 'PENDING'"
            + " and pending_expires_at > ?";
    try (Connection c = store.connection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, decidedBy);
      ps.setString(2, reason);
      ps.setObject(3, Store.ts(approvedAt));
      ps.setObject(4, Store.ts(expiresAt));
      ps.setString(5, id);
      ps.setObject(6, Store.ts(approvedAt));
      return ps.executeUpdate() == 1;
    } catch (SQLException e) {
      throw new StoreException("cannot approve grant " + id, e);
    }
  }

  /**
   * Moves a live grant (pending and not timed out, or approved and not expired) from {@code from}
   * to {@code to}: deny and revoke.
   *
   * @return false when the grant was no longer {@code from} or no longer live at {@code now}
   */
  public boolean decide(
      String id, GrantStatus from, GrantStatus to, String decidedBy, String reason, Instant now) {
    String sql =
        "update grants set status = ?, decided_by = ?, decision_reason = ? where id = ?"
            + " and status = ?"
            + STILL_LIVE;
    try (Connection c = store.connection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, to.name());
      ps.setString(2, decidedBy);
      ps.setString(3, reason);
      ps.setString(4, id);
      ps.setString(5, from.name());
      ps.setObject(6, Store.ts(now));
      ps.setObject(7, Store.ts(now));
      return ps.executeUpdate() == 1;
    } catch (SQLException e) {
      throw new StoreException("cannot update grant " + id, e);
    }
  }

  private List<StoredGrant> query(String where, List<String> args, int limit) {
    String sql = "select " + COLUMNS + " from grants " + where + " limit " + limit;
    try (Connection c = store.connection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.size(); i++) {
        ps.setString(i + 1, args.get(i));
      }
      List<StoredGrant> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(read(rs));
        }
      }
      return out;
    } catch (SQLException | JsonProcessingException e) {
      throw new StoreException("cannot read grants", e);
    }
  }

  private static StoredGrant read(ResultSet rs) throws SQLException, JsonProcessingException {
    String groups = rs.getString(16);
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
        Store.instant(rs.getObject(13, OffsetDateTime.class)),
        rs.getString(14),
        rs.getString(15),
        groups == null || groups.isEmpty() ? List.of() : Json.mapper().readValue(groups, STRINGS),
        rs.getInt(17),
        Store.instant(rs.getObject(18, OffsetDateTime.class)));
  }
}
