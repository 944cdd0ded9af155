package io.hoop.cli.sessions;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoop.api.SessionStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SessionTimelineTest {
  static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

  @Test
  void offsetsAreMinutesSecondsMillisWithHoursWhenNeeded() {
    assertThat(SessionTimeline.offset(Duration.ofMillis(1250))).isEqualTo("+00:01.250");
    assertThat(SessionTimeline.offset(Duration.ofMinutes(61).plusMillis(5)))
        .isEqualTo("+1:01:00.005");
    assertThat(SessionTimeline.offset(Duration.ofMillis(-3))).isEqualTo("+00:00.000");
  }

  @Test
  void replayLinesShowResultRowsMaskingAndBlocks() {
    SessionStatement ok =
        new SessionStatement(
            1,
            T0.plusMillis(1500),
            2300,
            "select\n  email from customers",
            List.of(),
            2,
            "SELECT 2",
            2,
            false,
            "",
            "");
    assertThat(SessionTimeline.line(ok, T0))
        .isEqualTo(
            "[+00:01.500] select email from customers\n           -> SELECT 2, 2 rows, 2 masked, 2.3 ms");
    SessionStatement blocked =
        new SessionStatement(
            2,
            T0.plusSeconds(2),
            10,
            "drop table t",
            List.of("x"),
            0,
            "",
            0,
            true,
            "statement:DROP",
            "");
    assertThat(SessionTimeline.line(blocked, T0))
        .isEqualTo("[+00:02.000] drop table t  params [x]\n           -> BLOCKED (statement:DROP)");
  }
}
