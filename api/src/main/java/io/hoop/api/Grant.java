package io.hoop.api;

import java.time.Instant;
import java.util.List;

/**
 * A grant as the API returns it. {@code token} is present only for the requester of an approved
 * grant; it is what the tunnel handshake carries.
 *
 * @param decisionReason why policy or a person decided as they did (for REVOKED: the revoke reason)
 * @param decidedBy who approved, denied or revoked it last; null for automatic decisions
 * @param approvals approvals recorded so far, oldest first (empty for automatic grants)
 * @param approvalsRequired distinct approvers needed while PENDING (0 when none are needed)
 * @param reviewerGroups groups whose members may approve this request
 */
public record Grant(
    String id,
    String target,
    String targetType,
    String role,
    String principal,
    String task,
    String reason,
    GrantStatus status,
    String decisionReason,
    Instant requestedAt,
    Instant approvedAt,
    Instant expiresAt,
    String token,
    String decidedBy,
    List<Approval> approvals,
    int approvalsRequired,
    List<String> reviewerGroups) {

  /** The same grant without its token, for lists and logs. */
  public Grant withoutToken() {
    return new Grant(
        id,
        target,
        targetType,
        role,
        principal,
        task,
        reason,
        status,
        decisionReason,
        requestedAt,
        approvedAt,
        expiresAt,
        null,
        decidedBy,
        approvals,
        approvalsRequired,
        reviewerGroups);
  }

  @Override
  public String toString() {
    return "Grant[id="
        + id
        + ", target="
        + target
        + ", principal="
        + principal
        + ", task="
        + task
        + ", status="
        + status
        + ", expiresAt="
        + expiresAt
        + ", token="
        + (token == null ? "null" : "<redacted>")
        + "]";
  }
}
