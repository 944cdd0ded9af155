package io.hoop.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {
  @Test
  void parsesSingleAndCombinedUnits() {
    assertThat(Durations.parse("90s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(Durations.parse("30m")).isEqualTo(Duration.ofMinutes(30));
    assertThat(Durations.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(Durations.parse("2d")).isEqualTo(Duration.ofDays(2));
    assertThat(Durations.parse(" 1d2h3m4s ")).isEqualTo(Duration.ofSeconds(93784));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        " ",
        "3x",
        "m",
        "10",
        "1h 30m",
        "-5m",
        "1.5h",
        "9999999999h",
        "\u0000m",
        "30m1h",
        "1h1h",
        "PT30M"
      })
  void rejectsMalformedInputWithTheValueNamed(String input) {
    assertThatThrownBy(() -> Durations.parse(input))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("duration");
  }

  @Test
  void rejectsOversizedInputWithoutEchoingIt() {
    String huge = "1s".repeat(10_000);
    assertThatThrownBy(() -> Durations.parse(huge))
        .hasMessageContaining("at most 64")
        .hasMessageNotContaining(huge);
  }

  @Test
  void formatsShortestForm() {
    assertThat(Durations.format(Duration.ofMinutes(90))).isEqualTo("1h30m");
    assertThat(Durations.format(Duration.ofSeconds(45))).isEqualTo("45s");
    assertThat(Durations.format(Duration.ZERO)).isEqualTo("0s");
    assertThat(Durations.format(Duration.ofDays(1).plusSeconds(1))).isEqualTo("1d1s");
  }
}
