package io.hoop.cli.connect;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoop.api.Grant;
import io.hoop.api.GrantStatus;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConnectionHintsTest {
  private static Grant grant(String type, String role) {
    Instant now = Instant.parse("2026-11-22T12:00:00Z");
    return new Grant(
        "g-1",
        "demo-db",
        type,
        role,
        "alice",
        "DEMO-1",
        null,
        GrantStatus.APPROVED,
        null,
        now,
        now,
        now.plusSeconds(1800),
        "secret-token",
        null,
        java.util.List.of(),
        0,
        java.util.List.of());
  }

  @Test
  void postgresTargetsGetPsqlAndUrlLines() {
    assertThat(ConnectionHints.lines(grant("postgres", "readonly"), LocalEndpoint.tcp(15432), null))
        .containsExactly(
            "Connect to 127.0.0.1:15432",
            "  psql \"host=127.0.0.1 port=15432 user=readonly\"",
            "  postgresql://127.0.0.1:15432/");
    assertThat(ConnectionHints.lines(grant("tcp", null), LocalEndpoint.tcp(9000), null))
        .containsExactly("Connect to 127.0.0.1:9000");
  }

  @Test
  void childEnvironmentPointsAtTheTunnelButKeepsTheUsersPgUser() {
    Map<String, String> env =
        ConnectionHints.environment(
            grant("postgres", "readonly"), LocalEndpoint.tcp(15432), null, Map.of("PGUSER", "me"));
    assertThat(env)
        .containsEntry("HOOP_HOST", "127.0.0.1")
        .containsEntry("HOOP_PORT", "15432")
        .containsEntry("PGHOST", "127.0.0.1")
        .containsEntry("PGPORT", "15432")
        .doesNotContainKey("PGUSER")
        .doesNotContainKey("PGDATABASE");
    assertThat(
            ConnectionHints.environment(
                grant("postgres", "readonly"), LocalEndpoint.tcp(1), null, Map.of()))
        .containsEntry("PGUSER", "readonly");
    assertThat(
            ConnectionHints.environment(grant("tcp", null), LocalEndpoint.tcp(1), null, Map.of()))
        .doesNotContainKey("PGHOST");
  }

  @Test
  void hostileRoleNamesStayOutOfTheConnectionString() {
    assertThat(
            ConnectionHints.psqlConnInfo(grant("postgres", "x password=y"), LocalEndpoint.tcp(5)))
        .isEqualTo("host=127.0.0.1 port=5");
  }
}
