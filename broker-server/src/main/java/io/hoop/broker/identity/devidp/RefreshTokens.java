package io.hoop.broker.identity.devidp;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Opaque refresh tokens of the dev identity provider: in memory, single use (rotated on every
 * redemption), bounded, stored by SHA-256.
 */
final class RefreshTokens {
  static final Duration TTL = Duration.ofHours(24);
  static final int MAX_TOKENS = 10_000;

  record Grant(DevUser user, String scope, Instant authTime, Instant expiresAt) {}

  private final Map<String, Grant> byHash = new ConcurrentHashMap<>();
  private final SecureRandom random = new SecureRandom();
  private final Clock clock;

  RefreshTokens(Clock clock) {
    this.clock = clock;
  }

  String issue(DevUser user, String scope, Instant authTime) {
    Instant now = clock.instant();
    if (byHash.size() >= MAX_TOKENS) {
      byHash.values().removeIf(g -> !now.isBefore(g.expiresAt()));
      // Still full: the oldest login loses its refresh token and must sign in again.
      while (byHash.size() >= MAX_TOKENS) {
        byHash.entrySet().stream()
            .min(Comparator.comparing(e -> e.getValue().expiresAt()))
            .ifPresent(e -> byHash.remove(e.getKey()));
      }
    }
    byte[] secret = new byte[32];
    random.nextBytes(secret);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    byHash.put(DeviceCodes.sha256(token), new Grant(user, scope, authTime, now.plus(TTL)));
    return token;
  }

  /** The grant behind a live token, consuming the token; null when unknown, used or expired. */
  Grant redeem(String token) {
    Grant grant = byHash.remove(DeviceCodes.sha256(token));
    if (grant == null || !clock.instant().isBefore(grant.expiresAt())) {
      return null;
    }
    return grant;
  }
}
