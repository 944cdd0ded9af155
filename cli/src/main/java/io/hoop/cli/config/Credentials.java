package io.hoop.cli.config;

import java.time.Instant;

/**
 * A profile's login state ({@code credentials.json}, mode 0600).
 *
 * @param sessionToken the broker session token
 * @param sessionExpiresAt when the broker session ends
 * @param refreshToken the identity provider's refresh token, or null
 * @param principal the principal name the broker mapped the login to
 * @param keyThumbprint thumbprint of the profile key ({@code dpop.jwk}) the session is bound to, or
 *     null for an unbound session
 * @param source how the login was made, to renew it; null for logins of older versions
 * @param loginKeyThumbprint thumbprint of the key {@code hoop login} made ({@code dpop.jwk}), to
 *     which the identity provider bound the refresh token when it supports DPoP; renewals refuse
 *     any other key. Null for logins of older versions.
 */
public record Credentials(
    String sessionToken,
    Instant sessionExpiresAt,
    String refreshToken,
    String principal,
    String keyThumbprint,
    LoginSource source,
    String loginKeyThumbprint) {

  /** Credentials whose login key is the session's key. */
  public Credentials(
      String sessionToken,
      Instant sessionExpiresAt,
      String refreshToken,
      String principal,
      String keyThumbprint,
      LoginSource source) {
    this(
        sessionToken,
        sessionExpiresAt,
        refreshToken,
        principal,
        keyThumbprint,
        source,
        keyThumbprint);
  }

  /** Unbound credentials of a device login (tests and older files). */
  public Credentials(
      String sessionToken, Instant sessionExpiresAt, String refreshToken, String principal) {
    this(sessionToken, sessionExpiresAt, refreshToken, principal, null, null);
  }

  /** The login method, as the broker names it. */
  public String loginMethod() {
    return source == null ? null : source.method();
  }

  @Override
  public String toString() {
    return "Credentials[sessionToken=<redacted>, sessionExpiresAt="
        + sessionExpiresAt
        + ", refreshToken="
        + (refreshToken == null ? "null" : "<redacted>")
        + ", principal="
        + principal
        + ", keyThumbprint="
        + keyThumbprint
        + ", source="
        + source
        + ", loginKeyThumbprint="
        + loginKeyThumbprint
        + "]";
  }
}
