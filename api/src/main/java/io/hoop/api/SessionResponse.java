package io.hoop.api;

import java.time.Instant;

/** The broker's answer to a successful login: its own short-lived session token. */
public record SessionResponse(String sessionToken, Instant expiresAt, Principal principal) {
  @Override
  public String toString() {
    return "SessionResponse[sessionToken=<redacted>, expiresAt="
        + expiresAt
        + ", principal="
        + principal
        + "]";
  }
}
