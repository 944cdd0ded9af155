package io.hoop.api;

import java.time.Instant;

/**
 * {@code GET /v1/whoami}: the caller's principal and when their session ends.
 *
 * @param principal who the caller is, with groups and login method
 * @param issuer the IdP issuer of the broker's human logins
 * @param sessionExpiresAt when the presented session token expires
 * @param keyThumbprint RFC 7638 SHA-256 thumbprint of the key the session is bound to; null for an
 *     unbound (Bearer) token
 */
public record WhoAmI(
    Principal principal, String issuer, Instant sessionExpiresAt, String keyThumbprint) {}
