package io.hoop.cli.output;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoop.api.Grant;
import io.hoop.api.GrantStatus;
import io.hoop.cli.CliEnvironment;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ColoursTest {
  private static final String ESC = "\033[";

  private static CliEnvironment terminal(Map<String, String> env) {
    return new CliEnvironment(
        env, InputStream.nullInputStream(), true, true, true, Clock.systemUTC(), false);
  }

  @Test
  void coloursOnlyOnATerminalWithoutNoColorOrDumbTerm() {
    assertThat(Colours.of(terminal(Map.of())).enabled()).isTrue();
    assertThat(Colours.of(terminal(Map.of("NO_COLOR", "1"))).enabled()).isFalse();
    assertThat(Colours.of(terminal(Map.of("TERM", "dumb"))).enabled()).isFalse();
    assertThat(Colours.of(CliEnvironment.of(Map.of())).enabled()).isFalse();
    assertThat(Colours.NONE.status("denied")).isEqualTo("denied");
  }

  @Test
  void refusalsAreRedWaitsYellowAndSuccessGreen() {
    Colours c = Colours.of(terminal(Map.of()));
    assertThat(c.status("denied")).isEqualTo(ESC + "31mdenied" + ESC + "0m");
    assertThat(c.status("blocked")).startsWith(ESC + "31m");
    assertThat(c.status("pending")).startsWith(ESC + "33m");
    assertThat(c.status("approved")).startsWith(ESC + "32m");
    assertThat(c.status("something else")).isEqualTo("something else");
    assertThat(c.leading("revoked: g-1 for prod-db"))
        .isEqualTo(ESC + "31mrevoked" + ESC + "0m: g-1 for prod-db");
  }

  @Test
  void colouredCellsKeepTheColumnsAligned() {
    Colours c = Colours.of(terminal(Map.of()));
    StringWriter out = new StringWriter();
    new Table("ID", "STATUS", "TASK")
        .row("g-1", "approved", "T-1")
        .row("g-22", "denied", "T-2")
        .style(1, c::status)
        .print(new PrintWriter(out));
    List<String> plain = out.toString().replaceAll("\033\\[[0-9;]*m", "").lines().toList();
    assertThat(plain)
        .containsExactly("ID    STATUS    TASK", "g-1   approved  T-1", "g-22  denied    T-2");
    assertThat(out.toString()).contains(ESC + "31mdenied" + ESC + "0m    T-2");
  }

  @Test
  void aCappedGrantSaysSoAndAGrantAsAskedSaysNothing() {
    Instant at = Instant.parse("2026-12-07T10:00:00Z");
    Grant oneHour = grant(at, at.plus(Duration.ofHours(1)));
    assertThat(GrantMessages.capped(Duration.ofHours(8), oneHour))
        .contains("hoop: asked for 8h; granted 1h, the most the broker allows for prod-db");
    assertThat(GrantMessages.capped(Duration.ofHours(1), oneHour)).isEmpty();
    assertThat(GrantMessages.capped(null, oneHour)).isEmpty();
    assertThat(GrantMessages.capped(Duration.ofMinutes(30), oneHour)).isEmpty();
  }

  private static Grant grant(Instant approvedAt, Instant expiresAt) {
    return new Grant(
        "g-1",
        "prod-db",
        "postgres",
        "readonly",
        "alice",
        "T-1",
        null,
        GrantStatus.APPROVED,
        null,
        approvedAt,
        approvedAt,
        expiresAt,
        null,
        null,
        List.of(),
        0,
        List.of());
  }
}
