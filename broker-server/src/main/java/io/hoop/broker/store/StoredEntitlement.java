package io.hoop.broker.store;

import io.hoop.api.Entitlement;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

/**
 * An entitlement row: one subject (a principal or a group) on one target, with its access review. A
 * review is current while {@code reviewExpiresAt} is in the future; never reviewed means stale.
 *
 * @param principal the principal it is for, or null for a group
 * @param group the group it is for, or null for a principal
 * @param status {@link #ACTIVE} or {@link #REVOKED}
 */
public record StoredEntitlement(
    String id,
    String principal,
    String group,
    String target,
    Duration maxDuration,
    String status,
    String reviewedBy,
    Instant reviewedAt,
    Instant reviewExpiresAt,
    String reviewComment) {

  public static final String ACTIVE = "active";
  public static final String REVOKED = "revoked";

  /**
   * The stable id of the entitlement of a subject on a target, the same on every start and every
   * replica: {@code e-} and the first 12 hex digits of a SHA-256 over kind, name and target.
   */
  public static String idFor(String principal, String group, String target) {
    String key =
        (principal != null ? "principal\n" + principal : "group\n" + group) + "\n" + target;
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      return "e-" + HexFormat.of().formatHex(h, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  public boolean active() {
    return ACTIVE.equals(status);
  }

  /** Whether the review is current at {@code now}. */
  public boolean reviewCurrent(Instant now) {
    return reviewExpiresAt != null && now.isBefore(reviewExpiresAt);
  }

  /** Whether it applies to a caller with this name and these groups. */
  public boolean appliesTo(String name, List<String> groups) {
    return principal != null ? principal.equals(name) : groups.contains(group);
  }

  public String subject() {
    return principal != null ? "principal " + principal : "group " + group;
  }

  public Entitlement toApi() {
    return new Entitlement(
        id,
        principal,
        group,
        target,
        List.of(),
        maxDuration.getSeconds(),
        status,
        reviewedBy,
        reviewedAt,
        reviewExpiresAt,
        reviewComment);
  }
}
