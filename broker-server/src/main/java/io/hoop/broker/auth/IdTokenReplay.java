package io.hoop.broker.auth;

import static java.util.Objects.requireNonNull;

import io.hoop.broker.token.OnceIds;
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
 * So that one person minting fresh ID tokens in a loop (each IdP refresh gives one) cannot fill it
 * and lock everyone else out, each subject holds at most {@code perSubject} entries; beyond that
 * only that subject's logins are refused until its tokens expire. The memory lives in the broker
 * process: a restart forgets it, so a token seen before a restart can be exchanged once more while
 * it is still valid (ID tokens live minutes). With replicas, each token is also claimed in the
 * shared store ({@link OnceIds}), which a restart does not forget.
 */
public final class IdTokenReplay {
  /** The default bound: 100 000 logins per ID-token lifetime, about 10 MB. */
  public static final int DEFAULT_CAPACITY = 100_000;

  /**
   * The default share of one subject: 100 logins per ID-token lifetime (a person's CLI renews about
   * once per broker session, 15 minutes by default).
   */
  public static final int DEFAULT_PER_SUBJECT = 100;

  private final Clock clock;
  private final OnceIds shared;
  private final Duration skew;
  private final int capacity;
  private final int perSubject;
  private final Map<String, Instant> seen = new HashMap<>();
  private final Map<String, String> subjectOf = new HashMap<>();
  private final Map<String, Integer> bySubject = new HashMap<>();
  private final PriorityQueue<Map.Entry<String, Instant>> byExpiry =
      new PriorityQueue<>(Map.Entry.comparingByValue());

  /** What {@link #firstUse} found. */
  public enum Outcome {
    /** Never seen: remembered now. */
    FIRST,
    /** Exchanged before and not yet expired. */
    REPLAYED,
    /** The memory is full of unexpired tokens: refused without remembering. */
    FULL,
    /** The subject holds its share of the memory already: refused without remembering. */
    TOO_MANY
  }

  /** With at most {@link #DEFAULT_PER_SUBJECT} tokens of one subject (or {@code capacity}). */
  public IdTokenReplay(Clock clock, Duration skew, int capacity) {
    this(clock, skew, capacity, Math.min(DEFAULT_PER_SUBJECT, Math.max(capacity, 1)));
  }

  public IdTokenReplay(Clock clock, Duration skew, int capacity, int perSubject) {
    this(clock, skew, capacity, perSubject, OnceIds.LOCAL);
  }

  /**
   * A memory whose tokens are also claimed in {@code shared} (the store every replica uses): a
   * token exchanged on one replica is refused on the others.
   */
  public IdTokenReplay(Clock clock, Duration skew, int capacity, int perSubject, OnceIds shared) {
    this.shared = requireNonNull(shared, "shared");
    this.clock = requireNonNull(clock, "clock");
    this.skew = requireNonNull(skew, "skew");
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity " + capacity + " must be at least 1");
    }
    if (perSubject < 1) {
      throw new IllegalArgumentException("perSubject " + perSubject + " must be at least 1");
    }
    this.capacity = capacity;
    this.perSubject = perSubject;
  }

  /** As {@link #firstUse(String, String, String, String, Instant)} without a per-subject share. */
  public Outcome firstUse(String issuer, String jti, String token, Instant expiresAt) {
    return firstUse(issuer, null, jti, token, expiresAt);
  }

  /**
   * Records one exchange of a verified ID token.
   *
   * @param issuer the token's issuer, so that ids of two issuers never collide
   * @param subject the token's {@code sub}, whose share of the memory the token takes; null takes
   *     none
   * @param jti the token's {@code jti}, or null
   * @param token the verified token (compact JWS), whose signed part is hashed when it has no
   *     {@code jti}
   * @param expiresAt the token's {@code exp}
   */
  public synchronized Outcome firstUse(
      String issuer, String subject, String jti, String token, Instant expiresAt) {
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
    String who = subject == null ? null : issuer + " " + subject;
    if (who != null && bySubject.getOrDefault(who, 0) >= perSubject) {
      return Outcome.TOO_MANY;
    }
    if (seen.size() >= capacity) {
      return Outcome.FULL;
    }
    Instant forgetAt = expiresAt.plus(skew);
    // A store that cannot answer throws: the login is refused (fail closed), nothing remembered.
    if (!shared.claim("id_token", key, forgetAt)) {
      return Outcome.REPLAYED;
    }
    seen.put(key, forgetAt);
    if (who != null) {
      subjectOf.put(key, who);
      bySubject.merge(who, 1, Integer::sum);
    }
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
      if (seen.remove(e.getKey(), e.getValue())) {
        String who = subjectOf.remove(e.getKey());
        if (who != null) {
          bySubject.computeIfPresent(who, (k, n) -> n <= 1 ? null : n - 1);
        }
      }
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
