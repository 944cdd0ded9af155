package io.hoop.broker.auth;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Remembers the ID tokens exchanged for a session until they expire (plus the clock skew), so that
 * each is exchanged at most once: a copied ID token cannot open a second session. Tokens are known
 * by their {@code jti}, or, when they have none, by the SHA-256 of what their signature covers
 * (header and payload as sent): never by the whole text, whose signature part can be written many
 * ways that all verify (base64url slack bits, padding, characters the decoder skips). The token
 * itself is never kept.
 *
 * <p>Memory is bounded by {@code capacity} entries. When it is full of unexpired tokens, new logins
 * are refused (fail closed) rather than an entry forgotten, which would let that token be replayed.
 * The memory lives in the broker process: a restart forgets it, so a token seen before a restart
 * can be exchanged once more while it is still valid (ID tokens live minutes).
 */
public final class IdTokenReplay {
  /** The default bound: 100 000 logins per ID-token lifetime, about 10 MB. */
  public static final int DEFAULT_CAPACITY = 100_000;

  private final Clock clock;
  private final Duration skew;
  private final int capacity;
  private final Map<String, Instant> seen = new HashMap<>();
  private final PriorityQueue<Map.Entry<String, Instant>> byExpiry =
      new PriorityQueue<>(Map.Entry.comparingByValue());

  /** What {@link #firstUse} found. */
  public enum Outcome {
    /** Never seen: remembered now. */
    FIRST,
    /** Exchanged before and not yet expired. */
    REPLAYED,
    /** The memory is full of unexpired tokens: refused without remembering. */
    FULL
  }

  public IdTokenReplay(Clock clock, Duration skew, int capacity) {
    this.clock = requireNonNull(clock, "clock");
    this.skew = requireNonNull(skew, "skew");
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity " + capacity + " must be at least 1");
    }
    this.capacity = capacity;
  }

  /**
   * Records one exchange of a verified ID token.
   *
   * @param issuer the token's issuer, so that ids of two issuers never collide
   * @param jti the token's {@code jti}, or null
   * @param token the verified token (compact JWS), whose signed part is hashed when it has no
   *     {@code jti}
   * @param expiresAt the token's {@code exp}
   */
  public synchronized Outcome firstUse(String issuer, String jti, String token, Instant expiresAt) {
    requireNonNull(issuer, "issuer");
    requireNonNull(token, "token");
    requireNonNull(expiresAt, "expiresAt");
    Instant now = clock.instant();
    purge(now);
    String key =
        jti == null || jti.isBlank()
            ? issuer + " sha256:" + sha256(signedPart(token))
            : issuer + " jti:" + jti;
    if (seen.containsKey(key)) {
      return Outcome.REPLAYED;
    }
    if (seen.size() >= capacity) {
      return Outcome.FULL;
    }
    Instant forgetAt = expiresAt.plus(skew);
    seen.put(key, forgetAt);
    byExpiry.add(Map.entry(key, forgetAt));
    return Outcome.FIRST;
  }

  /** How many tokens are remembered now. */
  public synchronized int size() {
    purge(clock.instant());
    return seen.size();
  }

  private void purge(Instant now) {
    while (!byExpiry.isEmpty() && !byExpiry.peek().getValue().isAfter(now)) {
      Map.Entry<String, Instant> e = byExpiry.poll();
      seen.remove(e.getKey(), e.getValue());
    }
  }

  // Header and payload: the signature covers exactly this text, so it cannot be re-encoded.
  static String signedPart(String token) {
    int lastDot = token.lastIndexOf('.');
    return lastDot < 0 ? token : token.substring(0, lastDot);
  }

  private static String sha256(String token) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
