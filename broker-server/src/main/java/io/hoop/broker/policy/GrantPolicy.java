package io.hoop.broker.policy;

import io.hoop.api.Durations;
import io.hoop.api.Principal;
import io.hoop.broker.config.EntitlementConfig;
import io.hoop.broker.config.TargetConfig;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Decides grant requests from entitlements. Pure: no I/O, no clock, so every branch is unit tested.
 * An entitlement covering the caller and the target grants at once; the lifetime is the request (or
 * the target's default) capped by the target and the most generous entitlement.
 */
public final class GrantPolicy {
  private GrantPolicy() {}

  public static GrantDecision decide(
      Principal caller,
      TargetConfig target,
      List<EntitlementConfig> entitlements,
      Duration requested) {
    Optional<EntitlementConfig> best =
        entitlements.stream()
            .filter(e -> e.targets().contains(target.name()))
            .filter(e -> e.appliesTo(caller.name(), caller.groups()))
            .max((a, b) -> a.maxDuration().compareTo(b.maxDuration()));
    if (best.isEmpty()) {
      return new GrantDecision(
          false,
          "no entitlement covers "
              + caller.name()
              + (caller.groups().isEmpty()
                  ? ""
                  : " (groups " + String.join(", ", caller.groups()) + ")")
              + " on target "
              + target.name(),
          Duration.ZERO);
    }
    Duration cap = min(target.maxDuration(), best.get().maxDuration());
    Duration wanted = requested.isZero() ? target.defaultDuration() : requested;
    Duration granted = min(wanted, cap);
    String reason = "entitlement for " + best.get().subject() + " covers " + target.name();
    if (granted.compareTo(wanted) < 0) {
      reason +=
          "; duration capped at "
              + Durations.format(cap)
              + " (requested "
              + Durations.format(wanted)
              + ")";
    }
    return new GrantDecision(true, reason, granted);
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
