package io.hoop.broker.store;

import io.hoop.api.Approval;
import io.hoop.api.Grant;
import io.hoop.api.GrantStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A grant row. {@link #effectiveStatus} turns an approved grant past its expiry, and a pending
 * request past its pending timeout, into EXPIRED: computed on read, never by a background job.
 *
 * @param decidedBy who approved (the approver completing the quorum), denied or revoked it; null
 *     for automatic decisions
 * @param entitlementId the entitlement the request was made under; null when none covered it
 * @param reviewerGroups the target's reviewer groups when the request was made
 * @param approvalsRequired distinct approvers needed; 0 when policy decided alone
 * @param pendingExpiresAt when a pending request times out; null unless it was pending
 */
public record StoredGrant(
    String id,
    String principal,
    String target,
    String targetType,
    String role,
    String task,
    String reason,
    GrantStatus status,
    String decisionReason,
    Duration duration,
    Instant requestedAt,
    Instant approvedAt,
    Instant expiresAt,
    String decidedBy,
    String entitlementId,
    List<String> reviewerGroups,
    int approvalsRequired,
    Instant pendingExpiresAt) {

  public StoredGrant {
    reviewerGroups = List.copyOf(reviewerGroups);
  }

  public GrantStatus effectiveStatus(Instant now) {
    if (status == GrantStatus.APPROVED && expiresAt != null && !now.isBefore(expiresAt)) {
      return GrantStatus.EXPIRED;
    }
    if (status == GrantStatus.PENDING
        && pendingExpiresAt != null
        && !now.isBefore(pendingExpiresAt)) {
      return GrantStatus.EXPIRED;
    }
    return status;
  }

  /** The same grant with another decision reason (for views; never stored). */
  public StoredGrant withDecisionReason(String reason) {
    return new StoredGrant(
        id,
        principal,
        target,
        targetType,
        role,
        task,
        this.reason,
        status,
        reason,
        duration,
        requestedAt,
        approvedAt,
        expiresAt,
        decidedBy,
        entitlementId,
        reviewerGroups,
        approvalsRequired,
        pendingExpiresAt);
  }

  /** The API view; {@code token} only for the requester of an approved grant. */
  public Grant toApi(Instant now, String token, List<Approval> approvals) {
    return new Grant(
        id,
        target,
        targetType,
        role,
        principal,
        task,
        reason,
        effectiveStatus(now),
        decisionReason,
        requestedAt,
        approvedAt,
        expiresAt,
        token,
        decidedBy,
        List.copyOf(approvals),
        approvalsRequired,
        reviewerGroups);
  }
}
