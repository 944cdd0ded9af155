package io.hoop.broker.grants;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class GrantLifecycleTest {
  private static Duration m(long minutes) {
    return Duration.ofMinutes(minutes);
  }

  @Test
  void aGrantIsReusedWithAtLeastHalfOfWhatANewOneWouldGet() {
    assertThat(GrantLifecycle.useful(m(30), m(60))).isTrue();
    assertThat(GrantLifecycle.useful(m(30).minusSeconds(1), m(60))).isFalse();
    assertThat(GrantLifecycle.useful(m(59), m(60))).isTrue();
    assertThat(GrantLifecycle.useful(m(4 * 60), m(8 * 60))).isTrue();
  }

  @Test
  void andNeverWithLessThanFiveMinutesLeftHoweverShortTheAsk() {
    assertThat(GrantLifecycle.useful(m(5), m(1))).isTrue();
    assertThat(GrantLifecycle.useful(m(5).minusSeconds(1), m(1))).isFalse();
    assertThat(GrantLifecycle.useful(m(4), m(8))).isFalse();
    assertThat(GrantLifecycle.useful(Duration.ZERO, Duration.ZERO)).isFalse();
    assertThat(GrantLifecycle.useful(m(-1), m(10))).isFalse();
  }
}
