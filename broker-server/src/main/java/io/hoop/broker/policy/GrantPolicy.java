package io.hoop.broker.policy;

import io.hoop.api.Durations;
import io.hoop.api.Principal;
import io.hoop.broker.config.TargetConfig;
import io.hoop.broker.store.StoredEntitlement;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Decides grant requests from entitlements and their access reviews. Pure: no I/O, the time comes
 * in as an argument, so every branch is unit tested.
 *
 * <ul>
 *   <li>an active entitlement with a current review grants at once;
 *   <li>an active entitlement whose review is stale (or never happened) sends the request to the
 *       target's reviewers, unless the target has none (then it grants at once: such a target has
 *       no review process);
 *   <li>no active entitlement denies, or sends the request to reviewers when the target says {@code
 *       onNoEntitlement: review}.
 * </ul>
 *
 * The lifetime is the request (or the target's default) capped by the target and by the most
 * generous entitlement that decided it.
 */
public final class GrantPolicy {
  private static final Comparator<StoredEntitlement> BY_CAP =
      Comparator.comparing(StoredEntitlement::maxDuration);

  private GrantPolicy() {}

  public static Decision decide(
      Principal caller,
      TargetConfig target,
      List<StoredEntitlement> entitlements,
      Duration requested,
      Instant now) {
    List<StoredEntitlement> covering =
        entitlements.stream()
            .filter(StoredEntitlement::active)
            .filter(e -> e.target().equals(target.name()))
            .filter(e -> e.appliesTo(caller.name(), caller.groups()))
            .toList();
    Duration wanted = requested.isZero() ? target.defaultDuration() : requested;
    Optional<StoredEntitlement> current =
        covering.stream().filter(e -> e.reviewCurrent(now)).max(BY_CAP);
    if (current.isPresent()) {
      StoredEntitlement e = current.get();
      Duration granted = cap(wanted, target, e);
      return approved(
          "entitlement "
              + e.id()
              + " for "
              + e.subject()
              + " covers "
              + target.name()
              + " (reviewed until "
              + e.reviewExpiresAt()
              + ")"
              + capNote(wanted, granted),
          granted,
          e.id());
    }
    Optional<StoredEntitlement> stale = covering.stream().max(BY_CAP);
    if (stale.isPresent()) {
      StoredEntitlement e = stale.get();
      Duration granted = cap(wanted, target, e);
      if (target.reviewers().isEmpty()) {
        return approved(
            "entitlement "
                + e.id()
                + " for "
                + e.subject()
                + " covers "
                + target.name()
                + " (target has no reviewers, so reviews are not enforced)"
                + capNote(wanted, granted),
            granted,
            e.id());
      }
      String review =
          e.reviewExpiresAt() == null
              ? "has never been reviewed"
              : "had its review expire at " + e.reviewExpiresAt();
      return pending(
          target,
          "entitlement "
              + e.id()
              + " for "
              + e.subject()
              + " on "
              + target.name()
              + " "
              + review
              + "; "
              + approvers(target)
              + capNote(wanted, granted),
          granted,
          e.id());
    }
    String who =
        caller.name()
            + (caller.groups().isEmpty()
                ? ""
                : " (groups " + String.join(", ", caller.groups()) + ")");
    if (target.onNoEntitlement() == TargetConfig.OnNoEntitlement.REVIEW) {
      Duration granted = min(wanted, target.maxDuration());
      return pending(
          target,
          "no entitlement covers "
              + who
              + " on target "
              + target.name()
              + "; "
              + approvers(target)
              + capNote(wanted, granted),
          granted,
          null);
    }
    return new Decision(
        Decision.Outcome.DENIED,
        "no entitlement covers " + who + " on target " + target.name(),
        Duration.ZERO,
        null,
        List.of(),
        0);
  }

  private static Decision approved(String reason, Duration granted, String entitlementId) {
    return new Decision(Decision.Outcome.APPROVED, reason, granted, entitlementId, List.of(), 0);
  }

  private static Decision pending(
      TargetConfig target, String reason, Duration granted, String entitlementId) {
    return new Decision(
        Decision.Outcome.PENDING,
        reason,
        granted,
        entitlementId,
        target.reviewers(),
        target.approvals());
  }

  private static String approvers(TargetConfig target) {
    return "needs "
        + target.approvals()
        + (target.approvals() == 1 ? " approval" : " approvals")
        + " from "
        + String.join(", ", target.reviewers());
  }

  private static Duration cap(Duration wanted, TargetConfig target, StoredEntitlement e) {
    return min(wanted, min(target.maxDuration(), e.maxDuration()));
  }

  private static String capNote(Duration wanted, Duration granted) {
    return granted.compareTo(wanted) < 0
        ? "; duration capped at "
            + Durations.format(granted)
            + " (requested "
            + Durations.format(wanted)
            + ")"
        : "";
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
