package io.hoop.broker.identity.devidp;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Outstanding RFC 8628 device authorizations, in memory and bounded. Device codes are stored by
 * their SHA-256 so that lookups do not leak timing about the secret.
 */
final class DeviceCodes {
  static final int MAX_OUTSTANDING = 1000;
  static final Duration SLOW_DOWN_STEP = Duration.ofSeconds(5);
  // Expired codes linger a little so a late poll learns "expired_token", not "invalid_grant".
  static final Duration EXPIRED_GRACE = Duration.ofMinutes(5);
  private static final String ALPHABET = "BCDFGHJKLMNPQRSTVWXZ";
  private static final int USER_CODE_LENGTH = 8;

  enum Status {
    PENDING,
    APPROVED,
    DENIED
  }

  /** What the token endpoint should answer to one poll. */
  enum PollResult {
    PENDING,
    SLOW_DOWN,
    EXPIRED,
    DENIED,
    UNKNOWN,
    APPROVED
  }

  /** What the verification page should answer to one decision. */
  enum Decision {
    APPROVED,
    DENIED,
    UNKNOWN,
    EXPIRED,
    ALREADY_USED
  }

  record Issued(String deviceCode, String userCode, Instant expiresAt, Duration interval) {
    @Override
    public String toString() {
      return "Issued[userCode=" + userCode + ", expiresAt=" + expiresAt + "]";
    }
  }

  record Code(
      String userCode,
      String scope,
      Instant expiresAt,
      Duration interval,
      Instant lastPoll,
      Status status,
      DevUser user,
      Instant authTime) {
    Code polled(Instant at, Duration newInterval) {
      return new Code(userCode, scope, expiresAt, newInterval, at, status, user, authTime);
    }

    Code decided(Status newStatus, DevUser by, Instant at) {
      return new Code(userCode, scope, expiresAt, interval, lastPoll, newStatus, by, at);
    }
  }

  record Poll(PollResult result, Code code) {}

  private final Map<String, Code> byDeviceHash = new ConcurrentHashMap<>();
  private final Map<String, String> deviceHashByUserCode = new ConcurrentHashMap<>();
  private final SecureRandom random = new SecureRandom();
  private final Duration ttl;
  private final Duration interval;
  private final Clock clock;

  DeviceCodes(Duration ttl, Duration interval, Clock clock) {
    this.ttl = ttl;
    this.interval = interval;
    this.clock = clock;
  }

  /** A fresh code pair, or null when {@link #MAX_OUTSTANDING} unexpired codes are outstanding. */
  Issued issue(String scope) {
    Instant now = clock.instant();
    sweep(now, EXPIRED_GRACE);
    if (byDeviceHash.size() >= MAX_OUTSTANDING) {
      sweep(now, Duration.ZERO);
      if (byDeviceHash.size() >= MAX_OUTSTANDING) {
        return null;
      }
    }
    byte[] secret = new byte[32];
    random.nextBytes(secret);
    String deviceCode = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    String hash = sha256(deviceCode);
    String userCode;
    do {
      userCode = randomUserCode();
    } while (deviceHashByUserCode.putIfAbsent(userCode, hash) != null);
    Instant expiresAt = now.plus(ttl);
    byDeviceHash.put(
        hash, new Code(userCode, scope, expiresAt, interval, null, Status.PENDING, null, null));
    return new Issued(deviceCode, display(userCode), expiresAt, interval);
  }

  /** Records one token-endpoint poll; an approved code is consumed by it. */
  Poll poll(String deviceCode) {
    Instant now = clock.instant();
    AtomicReference<Poll> out = new AtomicReference<>(new Poll(PollResult.UNKNOWN, null));
    byDeviceHash.computeIfPresent(
        sha256(deviceCode),
        (k, c) -> {
          if (!now.isBefore(c.expiresAt())) {
            out.set(new Poll(PollResult.EXPIRED, c));
            return c;
          }
          switch (c.status()) {
            case DENIED:
              out.set(new Poll(PollResult.DENIED, c));
              return c;
            case APPROVED:
              out.set(new Poll(PollResult.APPROVED, c));
              deviceHashByUserCode.remove(c.userCode());
              return null;
            default:
              if (c.lastPoll() != null && now.isBefore(c.lastPoll().plus(c.interval()))) {
                out.set(new Poll(PollResult.SLOW_DOWN, c));
                return c.polled(now, c.interval().plus(SLOW_DOWN_STEP));
              }
              out.set(new Poll(PollResult.PENDING, c));
              return c.polled(now, c.interval());
          }
        });
    return out.get();
  }

  /** Approves ({@code user != null}) or denies the code the user typed. */
  Decision decide(String typedUserCode, DevUser user) {
    String normalized = normalize(typedUserCode);
    String hash = normalized == null ? null : deviceHashByUserCode.get(normalized);
    if (hash == null) {
      return Decision.UNKNOWN;
    }
    Instant now = clock.instant();
    AtomicReference<Decision> out = new AtomicReference<>(Decision.UNKNOWN);
    byDeviceHash.computeIfPresent(
        hash,
        (k, c) -> {
          if (!now.isBefore(c.expiresAt())) {
            out.set(Decision.EXPIRED);
          } else if (c.status() != Status.PENDING) {
            out.set(Decision.ALREADY_USED);
          } else if (user == null) {
            out.set(Decision.DENIED);
            return c.decided(Status.DENIED, null, now);
          } else {
            out.set(Decision.APPROVED);
            return c.decided(Status.APPROVED, user, now);
          }
          return c;
        });
    return out.get();
  }

  int size() {
    return byDeviceHash.size();
  }

  /** Upper-case, without dashes or spaces; null when it cannot be a user code. */
  static String normalize(String typed) {
    if (typed == null) {
      return null;
    }
    String s = typed.replace("-", "").replace(" ", "").toUpperCase(Locale.ROOT);
    if (s.length() != USER_CODE_LENGTH) {
      return null;
    }
    for (int i = 0; i < s.length(); i++) {
      if (ALPHABET.indexOf(s.charAt(i)) < 0) {
        return null;
      }
    }
    return s;
  }

  static String display(String normalized) {
    return normalized.substring(0, 4) + "-" + normalized.substring(4);
  }

  static String sha256(String secret) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }

  private String randomUserCode() {
    char[] chars = new char[USER_CODE_LENGTH];
    for (int i = 0; i < chars.length; i++) {
      chars[i] = ALPHABET.charAt(random.nextInt(ALPHABET.length()));
    }
    return new String(chars);
  }

  private void sweep(Instant now, Duration grace) {
    byDeviceHash
        .entrySet()
        .removeIf(
            e -> {
              Code c = e.getValue();
              if (now.isBefore(c.expiresAt().plus(grace))) {
                return false;
              }
              deviceHashByUserCode.remove(c.userCode(), e.getKey());
              return true;
            });
  }
}
