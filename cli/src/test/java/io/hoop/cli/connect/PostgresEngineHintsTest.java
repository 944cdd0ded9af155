package io.hoop.cli.connect;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoop.api.Grant;
import io.hoop.api.GrantStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Hints and environment when the broker runs the postgres engine (it logs in itself). */
class PostgresEngineHintsTest {
  private static Grant grant(String role) {
    Instant now = Instant.parse("2026-11-22T12:00:00Z");
    return new Grant(
        "g-1",
        "prod-db",
        "postgres",
        role,
        "alice",
        "JIRA-1",
        null,
        GrantStatus.APPROVED,
        null,
        now,
        now,
        now.plusSeconds(1800),
        "secret-token",
        null,
        List.of(),
        0,
        List.of());
  }

  @Test
  void psqlCommandAndUrlNameTheDatabaseAndNeedNoPassword() {
    assertThat(ConnectionHints.lines(grant("readonly"), LocalEndpoint.tcp(15432), "app"))
        .containsExactly(
            "Connect to 127.0.0.1:15432",
            "  psql \"postgresql://hoop@127.0.0.1:15432/app?sslmode=disable\"",
            "  postgresql://hoop@127.0.0.1:15432/app?sslmode=disable",
            "  (the broker logs in to the database as role readonly; no password needed)");
    assertThat(ConnectionHints.postgresUrl(LocalEndpoint.tcp(1), "my db"))
        .endsWith("/my%20db?sslmode=disable");
  }

  @Test
  void wrapModeOverridesTheShellsLibpqSettings() {
    Map<String, String> env =
        ConnectionHints.environment(
            grant(null),
            LocalEndpoint.tcp(15432),
            "app",
            Map.of("PGUSER", "me", "PGDATABASE", "local", "PGSSLMODE", "require"));
    assertThat(env)
        .containsEntry("PGHOST", "127.0.0.1")
        .containsEntry("PGPORT", "15432")
        .containsEntry("PGUSER", "hoop")
        .containsEntry("PGDATABASE", "app")
        .containsEntry("PGSSLMODE", "disable")
        .doesNotContainKey("PGPASSWORD");
  }
}
