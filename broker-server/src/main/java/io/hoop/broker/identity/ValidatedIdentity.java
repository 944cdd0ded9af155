package io.hoop.broker.identity;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;

/**
 * The identity carried by an ID token that passed {@link OidcValidator}.
 *
 * @param subject the {@code sub} claim, stable per issuer
 * @param username the configured username claim, or {@code sub} when that claim is absent
 * @param email the {@code email} claim, or null when the token has none
 * @param groups the configured groups claim, empty when absent
 * @param issuer the {@code iss} claim
 * @param expiresAt the token's {@code exp}
 * @param sessionId the IdP's login session ({@code sid}), or null when the token has none
 * @param tokenId the token's {@code jti}, or null when it has none
 */
public record ValidatedIdentity(
    String subject,
    String username,
    String email,
    List<String> groups,
    String issuer,
    Instant expiresAt,
    String sessionId,
    String tokenId) {

  public ValidatedIdentity {
    requireNonNull(subject, "subject");
    requireNonNull(username, "username");
    groups = List.copyOf(requireNonNull(groups, "groups"));
    requireNonNull(issuer, "issuer");
    requireNonNull(expiresAt, "expiresAt");
  }
}
