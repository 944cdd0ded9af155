package io.hoop.broker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hoop.broker.config.RetentionConfig.Keep;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RetentionSectionTest {
  private static final String TARGETS =
      """
      targets:
        - name: prod-db
          type: postgres
          address: 127.0.0.1:5432
          retention: {recordings: 365d, statements: never}
        - name: dev-db
          type: postgres
          address: 127.0.0.1:5433
          retention: {statements: 12h}
        - name: other
          type: tcp
          address: 127.0.0.1:22
      """;

  private static RetentionConfig parse(String yaml) throws ConfigException {
    return ConfigLoader.parse("t.yaml", yaml, true).retention();
  }

  @Test
  void withoutTheSectionNothingIsEverPurged() throws Exception {
    RetentionConfig r = parse("");
    assertThat(r).isEqualTo(RetentionConfig.DEFAULTS);
    assertThat(r.recordings().forever()).isTrue();
    assertThat(r.statements().cutoff(Instant.now())).isEmpty();
    assertThat(r.audit().toString()).isEqualTo("never");
    assertThat(r.interval()).isEqualTo(Duration.ofHours(1));
  }

  @Test
  void globalValuesAndPerTargetOverridesInBothDirections() throws Exception {
    RetentionConfig r =
        parse(
            "retention: {recordings: 90d, statements: 30d, audit: 400d, interval: 15m}\n"
                + TARGETS);
    assertThat(r.recordings()).isEqualTo(new Keep(Duration.ofDays(90)));
    assertThat(r.audit()).isEqualTo(new Keep(Duration.ofDays(400)));
    assertThat(r.interval()).isEqualTo(Duration.ofMinutes(15));
    // Longer than the global, and never.
    assertThat(r.recordingsOf("prod-db")).isEqualTo(new Keep(Duration.ofDays(365)));
    assertThat(r.statementsOf("prod-db")).isEqualTo(Keep.FOREVER);
    // Shorter than the global; the key it does not set follows the global.
    assertThat(r.statementsOf("dev-db")).isEqualTo(new Keep(Duration.ofHours(12)));
    assertThat(r.recordingsOf("dev-db")).isEqualTo(new Keep(Duration.ofDays(90)));
    // No section, and a target the config no longer has: the global.
    assertThat(r.statementsOf("other")).isEqualTo(new Keep(Duration.ofDays(30)));
    assertThat(r.statementsOf("gone")).isEqualTo(new Keep(Duration.ofDays(30)));
    assertThat(new Keep(Duration.ofDays(1)).cutoff(Instant.parse("2026-01-02T00:00:00Z")))
        .contains(Instant.parse("2026-01-01T00:00:00Z"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "-5d",
        "0d",
        "0h",
        "30m",
        "59m",
        "90",
        "d",
        "90 d",
        "1.5d",
        "90D",
        "P90D",
        "1y",
        "1w",
        "never!",
        "forever",
        "''",
        "90d12h30m",
        "1h1d",
        "9999999999999999999d",
        "36501d",
        "999999d",
        "1000000d",
        "'\\u0000'",
        "'90d\\n'",
        "NaN",
        "'١٢d'"
      })
  void hostileValuesAreRefusedNamingTheKey(String value) {
    assertThatThrownBy(() -> parse("retention:\n  statements: " + value + "\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("retention.statements: ");
  }

  @Test
  void boundsAreSaidInTheMessage() {
    assertThatThrownBy(() -> parse("retention: {audit: 30m}\n"))
        .hasMessageContaining("retention.audit: '30m' is not a retention");
    assertThatThrownBy(() -> parse("retention: {audit: 0h}\n"))
        .hasMessageContaining("retention.audit: '0h' is shorter than 1h");
    assertThatThrownBy(() -> parse("retention: {recordings: 36501d}\n"))
        .hasMessageContaining("retention.recordings: '36501d' is longer than 36500d");
    assertThatThrownBy(() -> parse("retention: {interval: 10s}\n"))
        .hasMessageContaining("retention.interval: '10s' is out of range; expected 1m to 1d");
    assertThatThrownBy(() -> parse("retention: {interval: 2d}\n"))
        .hasMessageContaining("retention.interval");
  }

  @Test
  void theEdgesAreAccepted() throws Exception {
    assertThat(parse("retention: {recordings: 1h, statements: 36500d, audit: 1d12h}\n").audit())
        .isEqualTo(new Keep(Duration.ofHours(36)));
  }

  @Test
  void aTargetCannotSetAuditRetention() {
    assertThatThrownBy(
            () ->
                parse(
                    """
                    targets:
                      - name: db
                        type: tcp
                        address: 127.0.0.1:5
                        retention: {audit: 1d}
                    """))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("targets[0].retention.audit: audit records are one hash chain");
  }

  @Test
  void aTargetsBadValueAndAnUnknownKeyAreNamed() {
    assertThatThrownBy(
            () ->
                parse(
                    """
                    targets:
                      - name: db
                        type: tcp
                        address: 127.0.0.1:5
                        retention: {recordings: -1d, logs: 5d}
                    """))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("targets[0].retention.recordings: '-1d' is not a retention")
        .hasMessageContaining("targets[0].retention.logs: unknown key");
  }

  @Test
  void theWrongShapeIsRefused() {
    assertThatThrownBy(() -> parse("retention: 90d\n")).isInstanceOf(ConfigException.class);
    assertThatThrownBy(() -> parse("retention: {audit: [1d]}\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("retention.audit");
    assertThatThrownBy(() -> parse("retention: {auditt: 1d}\n"))
        .hasMessageContaining("retention.auditt: unknown key");
  }
}
