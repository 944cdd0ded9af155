package io.hoop.engine.postgres.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hoop.engine.postgres.guard.Rules;
import io.hoop.engine.postgres.message.backend.BackendMessage;
import io.hoop.engine.postgres.message.backend.CommandComplete;
import io.hoop.engine.postgres.message.backend.DataRow;
import io.hoop.engine.postgres.message.backend.ErrorResponse;
import io.hoop.engine.postgres.message.backend.Field;
import io.hoop.engine.postgres.message.backend.ReadyForQuery;
import io.hoop.engine.postgres.message.backend.ReadyForQuery.TransactionStatus;
import io.hoop.engine.postgres.message.frontend.Bind;
import io.hoop.engine.postgres.message.frontend.Execute;
import io.hoop.engine.postgres.message.frontend.FunctionCall;
import io.hoop.engine.postgres.message.frontend.Parse;
import io.hoop.engine.postgres.message.frontend.Query;
import io.hoop.engine.postgres.message.frontend.SslRequest;
import io.hoop.engine.postgres.message.frontend.StartupMessage;
import io.hoop.engine.postgres.message.frontend.Sync;
import io.hoop.tunnel.engine.EngineListener;
import io.hoop.tunnel.testing.TunnelHarness;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A statement blocked inside a transaction block aborts the server's transaction, as an error of
 * PostgreSQL's own would: COMMIT rolls back, later statements get 25P02 from the server, and the
 * blocked SQL itself never reaches the server. Outside a transaction the engine answers alone.
 */
class BlockedInTransactionIT {
  private static final String ROLE = "app_tx";
  private static final String PASSWORD = "tx-Pa55-word";
  private static final List<String> TABLES =
      List.of("tx_psql", "tx_wire", "tx_batch", "tx_jdbc", "tx_idle");

  private static LocalPostgres pg;

  @TempDir Path dir;

  @BeforeAll
  static void startPostgres() throws Exception {
    pg = LocalPostgres.start();
    StringBuilder setup = new StringBuilder("CREATE ROLE " + ROLE + " LOGIN PASSWORD '" + PASSWORD);
    setup.append("';");
    for (String table : TABLES) {
      setup.append("CREATE TABLE ").append(table).append(" (i int);");
      setup.append("GRANT ALL ON ").append(table).append(" TO ").append(ROLE).append(';');
    }
    pg.superuser(setup.toString());
  }

  @AfterAll
  static void stopPostgres() {
    if (pg != null) {
      pg.close();
    }
  }

  @Test
  void aPsqlScriptWhoseTransactionHitsAGuardrailCommitsNothing() throws Exception {
    Path script = dir.resolve("tx.sql");
    Files.writeString(
        script,
        "begin;\n"
            + "insert into tx_psql values (1);\n"
            + "drop table tx_psql;\n"
            + "commit;\n"
            + "select 'after ' || count(*) from tx_psql;\n");
    PgTunnels.Events events = new PgTunnels.Events();
    long standInsBefore = serverLogCount("hoop_blocked_statement");
    try (TunnelHarness harness = harness(events)) {
      InetSocketAddress local = PgTunnels.client(harness);
      List<String> command =
          new ArrayList<>(
              PgTunnels.psqlCommand(
                  pg,
                  local,
                  "postgres",
                  "-v",
                  "ON_ERROR_STOP=0",
                  "-v",
                  "VERBOSITY=verbose",
                  "-f",
                  script.toString()));
      // Not quiet: psql then prints each command's tag, and COMMIT's tells what the server did.
      command.set(command.indexOf("-qAt"), "-At");
      Processes.Result result = Processes.run(command, dir, "", Duration.ofSeconds(60));

      assertThat(result.exitCode()).as(result.toString()).isZero();
      assertThat(result.stdout().lines())
          .as(result.toString())
          .containsExactly("BEGIN", "INSERT 0 1", "ROLLBACK", "after 0");
      assertThat(result.stderr())
          .contains("ERROR:  42501: statement blocked by guardrail statement:DROP")
          .doesNotContain("hoop_blocked_statement")
          .doesNotContain("42601");
    }
    assertThat(pg.superuser("select count(*) from tx_psql")).isEqualTo("0");
    assertThat(pg.superuser("select count(*) from pg_tables where tablename = 'tx_psql'"))
        .isEqualTo("1");
    // The server failed the stand-in, never the blocked SQL.
    assertThat(serverLogCount("hoop_blocked_statement")).isGreaterThan(standInsBefore);
    assertThat(serverLogCount("drop table")).isZero();
    assertThat(events.list())
        .filteredOn(QueryEvent::blocked)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.sql()).isEqualTo("drop table tx_psql;");
              assertThat(e.blockedBy()).isEqualTo("statement:DROP");
              assertThat(e.error()).isEmpty();
            });
    assertThat(events.list()).noneMatch(e -> e.sql().contains("hoop_blocked_statement"));
  }

  @Test
  void afterABlockInATransactionTheServerRefusesEverythingUntilRollback() throws Exception {
    try (TunnelHarness harness = harness(EngineListener.NONE);
        WireClient wire = connect(harness)) {
      // The same denial as the engine's own answer outside a transaction.
      wire.send(new Query("truncate tx_wire"));
      List<BackendMessage> idle = wire.untilReady();
      assertThat(ready(idle)).isEqualTo(TransactionStatus.IDLE);
      ErrorResponse idleDenial = (ErrorResponse) idle.get(0);

      wire.send(new Query("begin"));
      assertThat(ready(wire.untilReady())).isEqualTo(TransactionStatus.IN_TRANSACTION);
      wire.send(new Query("insert into tx_wire values (1)"));
      assertThat(ready(wire.untilReady())).isEqualTo(TransactionStatus.IN_TRANSACTION);

      wire.send(new Query("truncate tx_wire"));
      List<BackendMessage> blocked = wire.untilReady();
      assertThat(blocked).hasSize(2);
      ErrorResponse denial = (ErrorResponse) blocked.get(0);
      assertThat(denial).isEqualTo(idleDenial);
      assertThat(denial.sqlState()).isEqualTo("42501");
      assertThat(denial.message()).contains("statement:TRUNCATE");
      assertThat(denial.fields()).containsKey(Field.HINT);
      assertThat(ready(blocked)).isEqualTo(TransactionStatus.FAILED);

      wire.send(new Query("select 1"));
      List<BackendMessage> refused = wire.untilReady();
      assertThat(((ErrorResponse) refused.get(0)).sqlState()).isEqualTo("25P02");
      assertThat(((ErrorResponse) refused.get(0)).message())
          .contains("current transaction is aborted");
      assertThat(ready(refused)).isEqualTo(TransactionStatus.FAILED);

      wire.send(new Query("rollback"));
      List<BackendMessage> rolledBack = wire.untilReady();
      assertThat(((CommandComplete) rolledBack.get(0)).tag()).isEqualTo("ROLLBACK");
      assertThat(ready(rolledBack)).isEqualTo(TransactionStatus.IDLE);

      // A fast-path call (pg_backend_pid, OID 2026), refused by the guardrails, aborts it too.
      wire.send(new Query("begin"));
      assertThat(ready(wire.untilReady())).isEqualTo(TransactionStatus.IN_TRANSACTION);
      wire.send(new FunctionCall(new byte[] {0, 0, 7, (byte) 0xEA, 0, 0, 0, 0, 0, 0}));
      List<BackendMessage> call = wire.untilReady();
      assertThat(call).hasSize(2);
      assertThat(((ErrorResponse) call.get(0)).message()).contains("function-call");
      assertThat(ready(call)).isEqualTo(TransactionStatus.FAILED);
      wire.send(new Query("rollback"));
      assertThat(ready(wire.untilReady())).isEqualTo(TransactionStatus.IDLE);

      wire.send(new Query("insert into tx_wire values (2)"));
      assertThat(ready(wire.untilReady())).isEqualTo(TransactionStatus.IDLE);
      wire.send(new Query("select string_agg(i::text, ',') from tx_wire"));
      assertThat(text(wire.untilReady())).isEqualTo("2");
    }
    assertThat(pg.superuser("select string_agg(i::text, ',') from tx_wire")).isEqualTo("2");
  }

  @Test
  void aBlockedParseAfterForwardedMessagesOfItsBatchFailsTheBatchAtItsOwnPlace() throws Exception {
    try (TunnelHarness harness = harness(EngineListener.NONE);
        WireClient wire = connect(harness)) {
      wire.send(new Query("begin"));
      assertThat(ready(wire.untilReady())).isEqualTo(TransactionStatus.IN_TRANSACTION);

      wire.send(
          new Parse("", "insert into tx_batch values (1)", List.of()),
          new Bind("", "", List.of(), List.of(), List.of()),
          new Execute("", 0),
          new Parse("", "drop table tx_batch", List.of()),
          new Bind("", "", List.of(), List.of(), List.of()),
          new Execute("", 0),
          Sync.INSTANCE);
      List<BackendMessage> batch = wire.untilReady();
      assertThat(batch)
          .extracting(m -> m.getClass().getSimpleName())
          .containsExactly(
              "ParseComplete", "BindComplete", "CommandComplete", "ErrorResponse", "ReadyForQuery");
      assertThat(((ErrorResponse) batch.get(3)).sqlState()).isEqualTo("42501");
      assertThat(ready(batch)).isEqualTo(TransactionStatus.FAILED);

      wire.send(new Query("commit"));
      List<BackendMessage> commit = wire.untilReady();
      assertThat(((CommandComplete) commit.get(0)).tag()).isEqualTo("ROLLBACK");
      assertThat(ready(commit)).isEqualTo(TransactionStatus.IDLE);

      // Without BEGIN the batch is one implicit transaction: the error undoes the insert too.
      wire.send(
          new Parse("", "insert into tx_batch values (2)", List.of()),
          new Bind("", "", List.of(), List.of(), List.of()),
          new Execute("", 0),
          new Parse("", "drop table tx_batch", List.of()),
          Sync.INSTANCE);
      List<BackendMessage> implicit = wire.untilReady();
      assertThat(((ErrorResponse) implicit.get(3)).sqlState()).isEqualTo("42501");
      assertThat(ready(implicit)).isEqualTo(TransactionStatus.IDLE);

      wire.send(new Query("select count(*) from tx_batch"));
      assertThat(text(wire.untilReady())).isEqualTo("0");
    }
    assertThat(pg.superuser("select count(*) from tx_batch")).isEqualTo("0");
  }

  @Test
  void pgjdbcWithoutAutocommitLosesTheTransactionOfABlockedStatement() throws Exception {
    PgTunnels.Events events = new PgTunnels.Events();
    try (TunnelHarness harness = harness(events);
        Connection connection = jdbc(PgTunnels.client(harness))) {
      connection.setAutoCommit(false);
      try (Statement statement = connection.createStatement()) {
        assertThat(statement.executeUpdate("insert into tx_jdbc values (1)")).isEqualTo(1);
        assertThatThrownBy(() -> statement.execute("drop table tx_jdbc"))
            .isInstanceOfSatisfying(
                SQLException.class,
                e -> {
                  assertThat(e.getSQLState()).isEqualTo("42501");
                  assertThat(e.getMessage()).contains("statement:DROP");
                });
        assertThatThrownBy(() -> statement.executeQuery("select 1"))
            .isInstanceOfSatisfying(
                SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("25P02"));
        // PostgreSQL answers COMMIT of an aborted transaction with ROLLBACK, which pgjdbc 42.7
        // takes without an exception: the insert is gone all the same.
        connection.commit();
      }
      assertThat(pg.superuser("select count(*) from tx_jdbc")).isEqualTo("0");

      try (Statement statement = connection.createStatement()) {
        assertThat(statement.executeUpdate("insert into tx_jdbc values (2)")).isEqualTo(1);
        connection.commit();
      }
    }
    assertThat(pg.superuser("select string_agg(i::text, ',') from tx_jdbc")).isEqualTo("2");
    assertThat(events.list())
        .filteredOn(QueryEvent::blocked)
        .singleElement()
        .satisfies(e -> assertThat(e.sql()).isEqualTo("drop table tx_jdbc"));
  }

  @Test
  void outsideATransactionTheEngineAnswersAloneAndTheSessionGoesOn() throws Exception {
    long standInsBefore = serverLogCount("hoop_blocked_statement");
    PgTunnels.Events events = new PgTunnels.Events();
    try (TunnelHarness harness = harness(events);
        Connection connection = jdbc(PgTunnels.client(harness));
        Statement statement = connection.createStatement()) {
      assertThat(statement.executeUpdate("insert into tx_idle values (1)")).isEqualTo(1);
      assertThatThrownBy(() -> statement.execute("drop table tx_idle"))
          .isInstanceOfSatisfying(
              SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("42501"));
      assertThat(statement.executeUpdate("insert into tx_idle values (2)")).isEqualTo(1);
    }
    try (TunnelHarness harness = harness(EngineListener.NONE);
        WireClient wire = connect(harness)) {
      wire.send(new Query("drop table tx_idle"));
      List<BackendMessage> blocked = wire.untilReady();
      assertThat(((ErrorResponse) blocked.get(0)).sqlState()).isEqualTo("42501");
      assertThat(ready(blocked)).isEqualTo(TransactionStatus.IDLE);
      wire.send(new Query("select count(*) from tx_idle"));
      assertThat(text(wire.untilReady())).isEqualTo("2");
    }
    // Autocommit: what ran before the block stays, and the server saw no stand-in.
    assertThat(pg.superuser("select string_agg(i::text, ',' order by i) from tx_idle"))
        .isEqualTo("1,2");
    assertThat(serverLogCount("hoop_blocked_statement")).isEqualTo(standInsBefore);
    assertThat(events.list()).filteredOn(QueryEvent::blocked).hasSize(1);
  }

  private TunnelHarness harness(EngineListener listener) throws Exception {
    PostgresSettings settings =
        new PostgresSettings(
            ROLE,
            Secret.of(PASSWORD),
            "postgres",
            Rules.defaults(),
            null,
            UpstreamTls.disabled(),
            listener);
    return PgTunnels.harness(dir, settings, pg.address(), Instant.now().plusSeconds(600));
  }

  private static WireClient connect(TunnelHarness harness) throws Exception {
    WireClient wire = new WireClient(PgTunnels.client(harness));
    wire.send(SslRequest.INSTANCE);
    assertThat(wire.readByte()).isEqualTo('N');
    wire.send(StartupMessage.of(Map.of("user", "anyone", "database", "postgres")));
    assertThat(ready(wire.untilReady())).isEqualTo(TransactionStatus.IDLE);
    return wire;
  }

  private static Connection jdbc(InetSocketAddress local) throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", "anyone");
    props.setProperty("sslmode", "disable");
    return DriverManager.getConnection(
        "jdbc:postgresql://127.0.0.1:" + local.getPort() + "/postgres", props);
  }

  private static TransactionStatus ready(List<BackendMessage> messages) {
    return ((ReadyForQuery) messages.get(messages.size() - 1)).status();
  }

  private static String text(List<BackendMessage> messages) {
    DataRow row =
        messages.stream()
            .filter(DataRow.class::isInstance)
            .map(DataRow.class::cast)
            .findFirst()
            .orElseThrow(() -> new AssertionError("no DataRow in " + messages));
    return new String(row.fields().get(0), StandardCharsets.UTF_8);
  }

  /** How often {@code text} occurs in the server's log (errors are logged with their SQL). */
  private static long serverLogCount(String text) {
    return Long.parseLong(
        pg.superuser(
            "select (length(f) - length(replace(f, '"
                + text
                + "', ''))) / length('"
                + text
                + "') from pg_read_file(current_setting('data_directory') || '/../log') f"));
  }
}
