package io.hoop.broker.config;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Standing permission to request grants: a principal or a group, a set of targets, a cap on grant
 * length, and optionally the access review it starts with. Exactly one of {@code principal} and
 * {@code group} is present. The review fields only seed the store: once an entitlement exists
 * there, reviews live in the store.
 *
 * @param reviewedBy who certified it before it was put in the config; empty means never reviewed
 * @param reviewedAt when that review happened
 * @param reviewExpiresAt until when that review is current
 */
public record EntitlementConfig(
    Optional<String> principal,
    Optional<String> group,
    List<String> targets,
    Duration maxDuration,
    Optional<String> reviewedBy,
    Optional<Instant> reviewedAt,
    Optional<Instant> reviewExpiresAt) {

  /** An entitlement without a seeded review. */
  public EntitlementConfig(
      Optional<String> principal, Optional<String> group, List<String> targets, Duration max) {
    this(principal, group, targets, max, Optional.empty(), Optional.empty(), Optional.empty());
  }

  /** Whether this entitlement applies to a caller with this name and these groups. */
  public boolean appliesTo(String name, List<String> groups) {
    return principal.map(name::equals).orElse(false) || group.map(groups::contains).orElse(false);
  }

  public String subject() {
    return principal.map(p -> "principal " + p).orElseGet(() -> "group " + group.orElseThrow());
  }
}
