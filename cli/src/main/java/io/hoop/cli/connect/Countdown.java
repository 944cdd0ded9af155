package io.hoop.cli.connect;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * When to remind the user how long a grant has left: whenever a whole number of minutes remains (so
 * also at 5 and at 1 minute), never in the past.
 */
public final class Countdown {
  private final Instant expiresAt;

  public Countdown(Instant expiresAt) {
    this.expiresAt = Objects.requireNonNull(expiresAt, "expiresAt");
  }

  /** The next reminder strictly after {@code now}, or {@link #expiresAt()} if none is left. */
  public Instant next(Instant now) {
    Duration left = Duration.between(now, expiresAt);
    if (left.compareTo(Duration.ofMinutes(1)) <= 0) {
      return expiresAt;
    }
    // Largest whole number of minutes strictly less than what is left.
    long minutes = (left.toMillis() - 1) / 60_000;
    return expiresAt.minus(Duration.ofMinutes(minutes));
  }

  public Instant expiresAt() {
    return expiresAt;
  }
}
