package io.hoop.engine.postgres.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoop.engine.postgres.guard.Rules;
import io.hoop.engine.postgres.message.backend.AuthenticationOk;
import io.hoop.engine.postgres.message.backend.BackendKeyData;
import io.hoop.engine.postgres.message.backend.BackendMessage;
import io.hoop.engine.postgres.message.backend.DataRow;
import io.hoop.engine.postgres.message.backend.ErrorResponse;
import io.hoop.engine.postgres.message.frontend.Bind;
import io.hoop.engine.postgres.message.frontend.Execute;
import io.hoop.engine.postgres.message.frontend.Parse;
import io.hoop.engine.postgres.message.frontend.Query;
import io.hoop.engine.postgres.message.frontend.SslRequest;
import io.hoop.engine.postgres.message.frontend.StartupMessage;
import io.hoop.engine.postgres.message.frontend.Sync;
import io.hoop.tunnel.testing.TunnelHarness;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real psql through a real tunnel client, TLS broker and the postgres engine to a real PostgreSQL
 * that demands SCRAM-SHA-256: psql never has the password.
 */
class PostgresEngineIT {
  private static final String ROLE = "app_rw";
  private static final String PASSWORD = "Tr0ub4dor-and-3";

  private static LocalPostgres pg;

  @TempDir Path dir;

  @BeforeAll
  static void startPostgres() throws Exception {
    pg = LocalPostgres.start();
    pg.superuser(
        "CREATE ROLE "
            + ROLE
            + " LOGIN PASSWORD '"
            + PASSWORD
            + "';"
            + "CREATE TABLE x (i int); GRANT ALL ON x TO "
            + ROLE
            + ";");
  }

  @AfterAll
  static void stopPostgres() {
    if (pg != null) {
      pg.close();
    }
  }

  @Test
  void psqlLogsInAsTheConfiguredRoleWithoutKnowingThePassword() throws Exception {
    try (TunnelHarness harness = harness(PASSWORD)) {
      InetSocketAddress local = client(harness);
      Processes.Result result = psql(local, "postgres", "-c", "select current_user");
      assertThat(result.exitCode()).as(result.toString()).isZero();
      assertThat(result.stdout().strip()).isEqualTo(ROLE);

      Processes.Result missing = psql(local, "no_such_db", "-c", "select 1");
      assertThat(missing.exitCode()).isEqualTo(2);
      assertThat(missing.stderr()).contains("FATAL:  database \"no_such_db\" does not exist");
    }
  }

  @Test
  void aBlockedStatementFailsWith42501AndTheSessionGoesOn() throws Exception {
    Path script = dir.resolve("script.sql");
    Files.writeString(
        script,
        "select 'before';\n"
            + "drop table x;\n"
            + "select 'after';\n"
            + "insert into x values (1);\n"
            + "delete from x;\n"
            + "select count(*) || ' rows' from x;\n");
    try (TunnelHarness harness = harness(PASSWORD)) {
      InetSocketAddress local = client(harness);
      Processes.Result result =
          psql(
              local,
              "postgres",
              "-v",
              "ON_ERROR_STOP=0",
              "-v",
              "VERBOSITY=verbose",
              "-f",
              script.toString());
      assertThat(result.exitCode()).as(result.toString()).isZero();
      assertThat(result.stdout().lines()).containsExactly("before", "after", "1 rows");
      assertThat(result.stderr())
          .contains("ERROR:  42501: statement blocked by guardrail statement:DROP")
          .contains("ERROR:  42501: statement blocked by guardrail where:DELETE");
    }
    assertThat(pg.superuser("select count(*) from pg_tables where tablename = 'x'")).isEqualTo("1");
  }

  @Test
  void anInteractiveStylePsqlSessionKeepsItsStateAcrossBlockedStatements() throws Exception {
    // What a person types at the psql prompt: meta-commands (which psql turns into catalog
    // queries), a transaction, a blocked statement inside it, and variables set with \\set.
    String typed =
        "\\set who 'typed'\n"
            + "\\dt x\n"
            + "begin;\n"
            + "insert into x values (41);\n"
            + "truncate x;\n"
            + "rollback;\n"
            + "select :'who' || ' ' || count(*) from x where i = 41;\n"
            + "select current_user;\n"
            + "\\q\n";
    try (TunnelHarness harness = harness(PASSWORD)) {
      InetSocketAddress local = client(harness);
      List<String> command = PgTunnels.psqlCommand(pg, local, "postgres", "-v", "ON_ERROR_STOP=0");
      Processes.Result result = Processes.run(command, dir, typed, Duration.ofSeconds(60));

      assertThat(result.exitCode()).as(result.toString()).isZero();
      assertThat(result.stdout()).contains("public|x|table|postgres").contains("typed 0");
      assertThat(result.stderr())
          .contains("ERROR:  statement blocked by guardrail statement:TRUNCATE")
          // The block aborts the transaction like any error, and the ROLLBACK ends it quietly.
          .doesNotContain("current transaction is aborted");
      assertThat(result.stdout().lines()).endsWith(ROLE);
    }
  }

  @Test
  void aWrongUpstreamPasswordReachesPsqlAsAClearFatal() throws Exception {
    String wrong = "not-the-right-one";
    try (TunnelHarness harness = harness(wrong)) {
      InetSocketAddress local = client(harness);
      Processes.Result result = psql(local, "postgres", "-c", "select 1");
      assertThat(result.exitCode()).as(result.toString()).isEqualTo(2);
      assertThat(result.stderr())
          .contains("FATAL:  hoop could not log in to target orders-db as role " + ROLE)
          .contains("password authentication failed")
          .doesNotContain(wrong)
          .doesNotContain(PASSWORD);
    }
  }

  @Test
  void extendedProtocolResynchronisesAtSyncAfterABlockedParse() throws Exception {
    try (TunnelHarness harness = harness(PASSWORD);
        WireClient wire = new WireClient(client(harness))) {
      wire.send(SslRequest.INSTANCE);
      assertThat(wire.readByte()).isEqualTo('N');
      wire.send(StartupMessage.of(Map.of("user", "postgres", "database", "postgres")));
      List<BackendMessage> startup = wire.untilReady();
      assertThat(startup.get(0)).isEqualTo(AuthenticationOk.INSTANCE);
      assertThat(startup).hasAtLeastOneElementOfType(BackendKeyData.class);

      wire.send(
          new Parse("", "select 'kept'", List.of()),
          new Bind("", "", List.of(), List.of(), List.of()),
          new Execute("", 0),
          new Parse("", "DROP /* hidden */ TABLE x", List.of()),
          new Bind("", "", List.of(), List.of(), List.of()),
          new Execute("", 0),
          Sync.INSTANCE);
      List<BackendMessage> batch = wire.untilReady();
      assertThat(batch)
          .extracting(m -> m.getClass().getSimpleName())
          .containsExactly(
              "ParseComplete",
              "BindComplete",
              "DataRow",
              "CommandComplete",
              "ErrorResponse",
              "ReadyForQuery");
      ErrorResponse error = (ErrorResponse) batch.get(4);
      assertThat(error.sqlState()).isEqualTo("42501");
      assertThat(error.message()).contains("statement:DROP");

      // Pipelined: the blocked query's answer must wait for the earlier query's.
      wire.send(new Query("select pg_sleep(0.3)"), new Query("truncate x"), new Query("select 7"));
      assertThat(wire.untilReady()).hasAtLeastOneElementOfType(DataRow.class);
      assertThat(wire.untilReady())
          .extracting(m -> m.getClass().getSimpleName())
          .containsExactly("ErrorResponse", "ReadyForQuery");
      List<BackendMessage> last = wire.untilReady();
      DataRow row = (DataRow) last.get(1);
      assertThat(new String(row.fields().get(0), StandardCharsets.UTF_8)).isEqualTo("7");
    }
    assertThat(pg.superuser("select count(*) from pg_tables where tablename = 'x'")).isEqualTo("1");
  }

  private TunnelHarness harness(String password) throws Exception {
    PostgresSettings settings =
        new PostgresSettings(ROLE, Secret.of(password), "postgres", Rules.defaults());
    return PgTunnels.harness(dir, settings, pg.address(), Instant.now().plusSeconds(600));
  }

  private static InetSocketAddress client(TunnelHarness harness) throws Exception {
    return PgTunnels.client(harness);
  }

  private Processes.Result psql(InetSocketAddress local, String database, String... args) {
    return Processes.run(
        PgTunnels.psqlCommand(pg, local, database, args), dir, "", Duration.ofSeconds(60));
  }
}
