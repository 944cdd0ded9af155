package io.hoop.broker.policy;

import java.time.Duration;
import java.util.List;

/**
 * What policy says about a grant request.
 *
 * @param outcome grant at once, send to reviewers, or refuse
 * @param reason a sentence for the requester and the audit trail
 * @param duration the lifetime to grant (already capped); zero when denied
 * @param entitlementId the entitlement the request falls under; null when none covers it
 * @param reviewers groups that may approve it (PENDING only; empty otherwise)
 * @param approvalsRequired distinct approvers needed (PENDING only; 0 otherwise)
 */
public record Decision(
    Outcome outcome,
    String reason,
    Duration duration,
    String entitlementId,
    List<String> reviewers,
    int approvalsRequired) {

  /** The three answers policy can give. */
  public enum Outcome {
    APPROVED,
    PENDING,
    DENIED
  }

  public Decision {
    reviewers = List.copyOf(reviewers);
  }
}
