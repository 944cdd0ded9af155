package io.hoop.api;

import java.time.Instant;
import java.util.List;

/**
 * A standing entitlement and the state of its access review ({@code GET /v1/reviews}).
 *
 * @param id stable id
 * @param principal the principal it is for, or null when it is for a group
 * @param group the group it is for, or null when it is for a principal
 * @param target target name
 * @param roles roles it allows (empty: the target's default role)
 * @param maxDurationSeconds cap on grants under it
 * @param status {@code active} or {@code revoked}
 * @param reviewedBy who last certified it; null when never reviewed
 * @param reviewedAt when it was last certified
 * @param reviewExpiresAt until when the review is current; requests after that go to reviewers
 * @param reviewComment the reviewer's comment
 */
public record Entitlement(
    String id,
    String principal,
    String group,
    String target,
    List<String> roles,
    long maxDurationSeconds,
    String status,
    String reviewedBy,
    Instant reviewedAt,
    Instant reviewExpiresAt,
    String reviewComment) {}
