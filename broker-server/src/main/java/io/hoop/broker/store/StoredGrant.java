package io.hoop.broker.store;

import io.hoop.api.Grant;
import io.hoop.api.GrantStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** A grant row. {@link #effectiveStatus} turns an approved grant past its expiry into EXPIRED. */
public record StoredGrant(
    String id,
    String principal,
    String target,
    String targetType,
    String role,
    String task,
    String reason,
    GrantStatus status,
    String decisionReason,
    Duration duration,
    Instant requestedAt,
    Instant approvedAt,
    Instant expiresAt) {

  public GrantStatus effectiveStatus(Instant now) {
    return status == GrantStatus.APPROVED && expiresAt != null && !now.isBefore(expiresAt)
        ? GrantStatus.EXPIRED
        : status;
  }

  /** The API view; {@code token} only for the requester of an approved grant. */
  public Grant toApi(Instant now, String token) {
    return new Grant(
        id,
        target,
        targetType,
        role,
        principal,
        task,
        reason,
        effectiveStatus(now),
        decisionReason,
        requestedAt,
        approvedAt,
        expiresAt,
        token,
        null,
        List.of(),
        0,
        List.of());
  }
}
