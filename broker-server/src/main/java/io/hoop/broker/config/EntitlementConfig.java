package io.hoop.broker.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Standing permission to request grants: a principal or a group, a set of targets, a cap on grant
 * length. Exactly one of {@code principal} and {@code group} is present.
 */
public record EntitlementConfig(
    Optional<String> principal,
    Optional<String> group,
    List<String> targets,
    Duration maxDuration) {

  /** Whether this entitlement applies to a caller with this name and these groups. */
  public boolean appliesTo(String name, List<String> groups) {
    return principal.map(name::equals).orElse(false) || group.map(groups::contains).orElse(false);
  }

  public String subject() {
    return principal.map(p -> "principal " + p).orElseGet(() -> "group " + group.orElseThrow());
  }
}
