package io.hoop.cli.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class InstantParserTest {
  private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");

  @Test
  void rfc3339InstantsWithAnyOffset() {
    assertThat(InstantParser.parse("--since", "2026-01-31T12:00:00Z", NOW))
        .isEqualTo(Instant.parse("2026-01-31T12:00:00Z"));
    assertThat(InstantParser.parse("--since", "2026-01-31T13:30:00+01:30", NOW))
        .isEqualTo(Instant.parse("2026-01-31T12:00:00Z"));
    assertThat(InstantParser.parse("--since", "2026-01-31t12:00:00.5z", NOW))
        .isEqualTo(Instant.parse("2026-01-31T12:00:00.5Z"));
  }

  @Test
  void durationsCountBackFromNow() {
    assertThat(InstantParser.parse("--since", "15m", NOW)).isEqualTo(NOW.minusSeconds(900));
    assertThat(InstantParser.parse("--since", "7d", NOW)).isEqualTo(NOW.minus(Duration.ofDays(7)));
    assertThat(InstantParser.parse("--until", "1d12h", NOW))
        .isEqualTo(NOW.minus(Duration.ofHours(36)));
    assertThat(InstantParser.parse("--until", " 2H ", NOW)).isEqualTo(NOW.minusSeconds(7200));
  }

  @Test
  void anythingElseIsRefusedNamingTheOptionAndTheExpectation() {
    for (String bad :
        new String[] {
          "",
          "yesterday",
          "0s",
          "-5m",
          "2026-01-31",
          "2026-13-01T00:00:00Z",
          "12:00",
          "2026-01-31T12:00:00",
          "99999999999999999999d",
          "1h\u0000",
          "x".repeat(41)
        }) {
      assertThatThrownBy(() -> InstantParser.parse("--since", bad, NOW))
          .as("'%s'", bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("invalid --since")
          .hasMessageNotContaining("\u0000");
    }
  }
}
