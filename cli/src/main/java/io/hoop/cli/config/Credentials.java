package io.hoop.cli.config;

import java.time.Instant;

/**
 * A profile's login state ({@code credentials.json}, mode 0600).
 *
 * @param sessionToken the broker session token
 * @param sessionExpiresAt when the broker session ends
 * @param refreshToken the identity provider's refresh token, or null
 * @param principal the principal name the broker mapped the login to
 */
public record Credentials(
    String sessionToken, Instant sessionExpiresAt, String refreshToken, String principal) {

  @Override
  public String toString() {
    return "Credentials[sessionToken=<redacted>, sessionExpiresAt="
        + sessionExpiresAt
        + ", refreshToken="
        + (refreshToken == null ? "null" : "<redacted>")
        + ", principal="
        + principal
        + "]";
  }
}
