package io.hoop.cli.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine.TypeConversionException;

class DurationParserTest {
  @Test
  void parsesEachUnitAndCombinations() {
    assertThat(DurationParser.parse("90s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(DurationParser.parse("30m")).isEqualTo(Duration.ofMinutes(30));
    assertThat(DurationParser.parse("1h")).isEqualTo(Duration.ofHours(1));
    assertThat(DurationParser.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(DurationParser.parse("2h0m5s")).isEqualTo(Duration.ofSeconds(7205));
    assertThat(DurationParser.parse(" 45M ")).isEqualTo(Duration.ofMinutes(45));
    assertThat(DurationParser.parse("168h")).isEqualTo(DurationParser.MAX);
    assertThat(DurationParser.parse("1d")).isEqualTo(Duration.ofDays(1));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "", " ", "30", "m", "h30", "1.5h", "-5m", "+5m", "30m1h", "1h1h", "5 m", "1h 30m", "0x10s",
        "１h", "30mm", "PT30M"
      })
  void rejectsMalformedInputWithTheExpectedShape(String input) {
    assertThatThrownBy(() -> DurationParser.parse(input))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected e.g. 30m, 1h, 1h30m or 90s");
  }

  @Test
  void rejectsZeroAndOversized() {
    assertThatThrownBy(() -> DurationParser.parse("0m"))
        .hasMessage("invalid duration '0m': must be longer than zero");
    assertThatThrownBy(() -> DurationParser.parse("169h"))
        .hasMessage("duration '169h' is longer than the maximum of 7d (168h)");
    assertThatThrownBy(() -> DurationParser.parse("999999h"))
        .hasMessageContaining("longer than the maximum");
    assertThatThrownBy(() -> DurationParser.parse("9999999s"))
        .hasMessageContaining("longer than the maximum");
  }

  @Test
  void hostileInputIsBoundedAndNotEchoedRaw() {
    String huge = "1".repeat(100_000) + "s";
    assertThatThrownBy(() -> DurationParser.parse(huge))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("invalid duration (100001 characters)");
    assertThatThrownBy(() -> DurationParser.parse("99999999999999999999s"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DurationParser.parse("\u001b[2J5m"))
        .hasMessageContaining("'?[2J5m'")
        .hasMessageNotContaining("\u001b");
    assertThatThrownBy(() -> DurationParser.parse(null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void converterReportsTheSameMessageToPicocli() {
    assertThatThrownBy(() -> new DurationParser().convert("soon"))
        .isInstanceOf(TypeConversionException.class)
        .hasMessage("invalid duration 'soon': expected e.g. 30m, 1h, 1h30m or 90s");
  }

  @Test
  void formatsCompactly() {
    assertThat(DurationFormat.compact(Duration.ofMinutes(90))).isEqualTo("1h30m");
    assertThat(DurationFormat.compact(Duration.ofHours(2))).isEqualTo("2h");
    assertThat(DurationFormat.compact(Duration.ofSeconds(29 * 60 + 12))).isEqualTo("29m");
    assertThat(DurationFormat.compact(Duration.ofSeconds(270))).isEqualTo("4m30s");
    assertThat(DurationFormat.compact(Duration.ofSeconds(45))).isEqualTo("45s");
    assertThat(DurationFormat.compact(Duration.ofSeconds(-3))).isEqualTo("0s");
    // Shown as asked: a 1h grant read a moment after it started is 1h, not 59m.
    assertThat(DurationFormat.compact(Duration.ofSeconds(3599))).isEqualTo("1h");
    assertThat(DurationFormat.compact(Duration.ofSeconds(90 * 60 - 1))).isEqualTo("1h30m");
    assertThat(DurationFormat.compact(Duration.ofSeconds(29 * 60 + 31))).isEqualTo("30m");
    assertThat(DurationFormat.compact(Duration.ofSeconds(2 * 86_400 - 1))).isEqualTo("2d");
    assertThat(DurationFormat.compact(Duration.ofSeconds(599))).isEqualTo("9m59s");
  }
}
