package io.hoop.cli.connect;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CountdownTest {
  private final Instant expiry = Instant.parse("2026-11-22T12:00:00Z");
  private final Countdown countdown = new Countdown(expiry);

  @Test
  void remindsAtEveryWholeMinuteLeftIncludingFiveAndOne() {
    List<Duration> left = new ArrayList<>();
    Instant t = expiry.minus(Duration.ofMinutes(7)).minusSeconds(20);
    while (t.isBefore(expiry)) {
      t = countdown.next(t);
      left.add(Duration.between(t, expiry));
    }
    assertThat(left)
        .containsExactly(
            Duration.ofMinutes(7),
            Duration.ofMinutes(6),
            Duration.ofMinutes(5),
            Duration.ofMinutes(4),
            Duration.ofMinutes(3),
            Duration.ofMinutes(2),
            Duration.ofMinutes(1),
            Duration.ZERO);
  }

  @Test
  void neverReturnsThePresentOrThePast() {
    Instant exactlyFiveLeft = expiry.minus(Duration.ofMinutes(5));
    assertThat(countdown.next(exactlyFiveLeft)).isEqualTo(expiry.minus(Duration.ofMinutes(4)));
    assertThat(countdown.next(expiry.minusSeconds(30))).isEqualTo(expiry);
    assertThat(countdown.next(expiry.plusSeconds(30))).isEqualTo(expiry);
  }
}
