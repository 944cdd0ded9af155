package io.hoop.broker.notify;

import java.time.Duration;
import java.util.Optional;

/**
 * How often and when a failed delivery is tried again: {@code attempts} in all, the n-th retry
 * waiting {@code backoff * 2^(n-1)} (1 s, 2 s, 4 s, 8 s with the defaults).
 */
public record RetryPolicy(int attempts, Duration backoff) {
  /** Longest single wait, so a misconfigured backoff cannot park a delivery for days. */
  static final Duration MAX_DELAY = Duration.ofHours(1);

  public RetryPolicy {
    if (attempts < 1) {
      throw new IllegalArgumentException("attempts is " + attempts + "; expected at least 1");
    }
    if (backoff.isNegative() || backoff.isZero()) {
      throw new IllegalArgumentException("backoff is " + backoff + "; expected more than 0");
    }
  }

  /** The wait after attempt {@code attempt} (1-based) failed; empty when it was the last one. */
  public Optional<Duration> delayAfter(int attempt) {
    if (attempt < 1 || attempt >= attempts) {
      return Optional.empty();
    }
    Duration d = backoff;
    for (int i = 1; i < attempt && d.compareTo(MAX_DELAY) < 0; i++) {
      d = d.multipliedBy(2);
    }
    return Optional.of(d.compareTo(MAX_DELAY) > 0 ? MAX_DELAY : d);
  }
}
