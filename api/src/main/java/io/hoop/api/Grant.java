package io.hoop.api;

import java.time.Instant;

/**
 * A grant as the API returns it. {@code token} is present only for the requester of an approved
 * grant; it is what the tunnel handshake carries.
 */
public record Grant(
    String id,
    String target,
    String targetType,
    String role,
    String principal,
    String task,
    String reason,
    GrantStatus status,
    String decisionReason,
    Instant requestedAt,
    Instant approvedAt,
    Instant expiresAt,
    String token) {

  /** The same grant without its token, for lists and logs. */
  public Grant withoutToken() {
    return new Grant(
        id,
        target,
        targetType,
        role,
        principal,
        task,
        reason,
        status,
        decisionReason,
        requestedAt,
        approvedAt,
        expiresAt,
        null);
  }

  @Override
  public String toString() {
    return "Grant[id="
        + id
        + ", target="
        + target
        + ", principal="
        + principal
        + ", task="
        + task
        + ", status="
        + status
        + ", expiresAt="
        + expiresAt
        + ", token="
        + (token == null ? "null" : "<redacted>")
        + "]";
  }
}
