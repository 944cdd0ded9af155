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

  /**
   * A note when the grant is shorter than asked ({@code --duration}) because the broker capped it,
   * e.g. {@code hoop: asked for 8h; granted 1h, the most the broker allows for prod-db}; empty when
   * nothing was asked or the grant is as long as asked. A grant's length runs from its approval.
   */
  public static java.util.Optional<String> capped(Duration asked, Grant g) {
    Instant from = g.approvedAt() != null ? g.approvedAt() : g.requestedAt();
    if (asked == null || from == null || g.expiresAt() == null) {
      return java.util.Optional.empty();
    }
    Duration granted = Duration.between(from, g.expiresAt());
    // A few seconds of slack: the broker may count from a slightly later instant than the ask.
    if (granted.plusSeconds(5).compareTo(asked) >= 0) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(
        "hoop: asked for "
            + DurationFormat.compact(asked)
            + "; granted "
            + DurationFormat.compact(granted)
            + ", the most the broker allows for "
            + g.target());
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
