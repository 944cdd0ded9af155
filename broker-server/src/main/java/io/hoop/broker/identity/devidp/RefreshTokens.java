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
 * redemption), bounded, stored by SHA-256, and bound to the DPoP key of the client they were issued
 * to (RFC 9449 section 5) when it sent a proof.
 */
final class RefreshTokens {
  static final Duration TTL = Duration.ofHours(24);
  static final int MAX_TOKENS = 10_000;

  /**
   * @param jkt thumbprint of the key the token is bound to, or null for a bearer refresh token
   */
  record Grant(DevUser user, String scope, Instant authTime, Instant expiresAt, String jkt) {}

  /** Why a redemption failed, or the grant. */
  record Redeemed(Grant grant, String refusal) {}

  private final Map<String, Grant> byHash = new ConcurrentHashMap<>();
  private final SecureRandom random = new SecureRandom();
  private final Clock clock;

  RefreshTokens(Clock clock) {
    this.clock = clock;
  }

  String issue(DevUser user, String scope, Instant authTime, String jkt) {
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
    byHash.put(DeviceCodes.sha256(token), new Grant(user, scope, authTime, now.plus(TTL), jkt));
    return token;
  }

  /**
   * The grant behind a live token, consuming it. A bound token presented without its key is not
   * consumed: whoever copied it must not be able to burn the holder's login either.
   *
   * @param jkt thumbprint of the proof sent with the request, or null when none was sent
   */
  Redeemed redeem(String token, String jkt) {
    String hash = DeviceCodes.sha256(token);
    Grant grant = byHash.get(hash);
    if (grant == null || !clock.instant().isBefore(grant.expiresAt())) {
      byHash.remove(hash);
      return new Redeemed(null, "the refresh token is unknown, expired, revoked or already used");
    }
    if (grant.jkt() != null && !grant.jkt().equals(jkt)) {
      return new Redeemed(
          null,
          jkt == null
              ? "the refresh token is bound to a DPoP key; send a DPoP proof signed by it"
              : "the refresh token is bound to another DPoP key than the proof's");
    }
    if (!byHash.remove(hash, grant)) {
      return new Redeemed(null, "the refresh token was already used");
    }
    return new Redeemed(grant, null);
  }

  /** The live grant behind a token, without consuming it; null when unknown or expired. */
  Grant peek(String token) {
    Grant grant = byHash.get(DeviceCodes.sha256(token));
    return grant == null || !clock.instant().isBefore(grant.expiresAt()) ? null : grant;
  }

  /** Forgets a token (RFC 7009); unknown tokens are ignored. */
  void revoke(String token) {
    byHash.remove(DeviceCodes.sha256(token));
  }
}
