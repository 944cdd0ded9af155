package io.hoop.cli.output;

import io.hoop.api.Grant;
import io.hoop.api.GrantStatus;
import io.hoop.cli.time.DurationFormat;
import java.time.Duration;
import java.time.Instant;

/** The one-line outcomes of approving, denying and revoking a grant, as a reviewer reads them. */
public final class GrantMessages {
  private GrantMessages() {}

  /**
   * After {@code hoop approve}: {@code approved (2/2): g-x for prod-db is now active until ...} or
   * {@code approval recorded (1/2): g-x for prod-db needs 1 more approval from reviewers}.
   */
  public static String approved(Grant g, Instant now) {
    long approvers = GrantTable.approvers(g);
    if (g.status() == GrantStatus.APPROVED) {
      long quorum = g.approvalsRequired() > 0 ? g.approvalsRequired() : approvers;
      return "approved ("
          + approvers
          + "/"
          + quorum
          + "): "
          + g.id()
          + " for "
          + g.target()
          + " is now active until "
          + DurationFormat.local(g.expiresAt())
          + " ("
          + DurationFormat.compact(Duration.between(now, g.expiresAt()))
          + "; requested by "
          + g.principal()
          + ", task "
          + g.task()
          + ")";
    }
    if (g.status() == GrantStatus.PENDING) {
      long missing = Math.max(1, g.approvalsRequired() - approvers);
      return "approval recorded ("
          + GrantTable.approvals(g)
          + "): "
          + g.id()
          + " for "
          + g.target()
          + " needs "
          + missing
          + " more approval"
          + (missing == 1 ? "" : "s")
          + " from "
          + GrantTable.reviewerGroups(g);
    }
    return g.id() + " for " + g.target() + " is " + status(g) + why(g);
  }

  /** After {@code hoop deny}. */
  public static String denied(Grant g) {
    return "denied: " + g.id() + " for " + g.target() + requester(g) + why(g);
  }

  /** After {@code hoop revoke}. */
  public static String revoked(Grant g) {
    return "revoked: "
        + g.id()
        + " for "
        + g.target()
        + requester(g)
        + why(g)
        + "; its tunnels are being closed";
  }

  private static String requester(Grant g) {
    return " (requested by " + g.principal() + ", task " + g.task() + ")";
  }

  private static String why(Grant g) {
    return g.decisionReason() == null || g.decisionReason().isBlank()
        ? ""
        : ": " + g.decisionReason();
  }

  private static String status(Grant g) {
    return g.status() == null
        ? "in an unknown state"
        : g.status().name().toLowerCase(java.util.Locale.ROOT);
  }
}
