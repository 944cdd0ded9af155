package io.hoop.engine.postgres.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.hoop.detect.BuiltinDetector;
import io.hoop.engine.postgres.engine.internal.CancelRegistry;
import io.hoop.engine.postgres.guard.Rules;
import io.hoop.engine.postgres.mask.MaskStyle;
import io.hoop.engine.postgres.mask.MaskingRules;
import io.hoop.engine.postgres.message.backend.BackendMessage;
import io.hoop.engine.postgres.message.backend.ErrorResponse;
import io.hoop.engine.postgres.message.backend.NoticeResponse;
import io.hoop.engine.postgres.message.frontend.Bind;
import io.hoop.engine.postgres.message.frontend.Execute;
import io.hoop.engine.postgres.message.frontend.Parse;
import io.hoop.engine.postgres.message.frontend.Query;
import io.hoop.engine.postgres.message.frontend.StartupMessage;
import io.hoop.engine.postgres.message.frontend.Sync;
import io.hoop.tunnel.engine.EngineListener;
import io.hoop.tunnel.testing.TunnelHarness;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The session around the statements: recording, cancel, the goodbye at the deadline or revoke, the
 * expiry notice, and clear errors when the upstream is down or the client speaks garbage.
 */
class SessionIT {
  private static final String ROLE = "app_sess";
  private static final String PASSWORD = "sess-Pa55-word";

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
            + "CREATE TABLE items (id int, owner text);"
            + "GRANT ALL ON items TO "
            + ROLE
            + ";");
  }

  @AfterAll
  static void stopPostgres() {
    if (pg != null) {
      pg.close();
    }
  }

  private TunnelHarness harness(EngineListener listener, Instant deadline) throws Exception {
    return harness(listener, deadline, pg.address());
  }

  private TunnelHarness harness(EngineListener listener, Instant deadline, InetSocketAddress up)
      throws Exception {
    PostgresSettings settings =
        new PostgresSettings(
            ROLE,
            Secret.of(PASSWORD),
            "postgres",
            Rules.defaults(),
            new MaskingRules(
                List.of(),
                Set.of(BuiltinDetector.EMAIL),
                MaskStyle.REDACT,
                "0123456789abcdef-token-key".getBytes(StandardCharsets.UTF_8)),
            UpstreamTls.disabled(),
            listener);
    return PgTunnels.harness(dir, settings, up, deadline);
  }

  @Test
  void everyStatementOfAMultiStatementFileIsRecordedAndGuardrailsStillBlock() throws Exception {
    Path script = dir.resolve("multi.sql");
    Files.writeString(
        script,
        "insert into items values (1, 'a@example.com'), (2, 'b');\n"
            + "select id from items order by id; select 'x';\n"
            + "DrOp/**/TABLE items;\n"
            + "do $$ begin execute 'drop table items'; end $$;\n"
            + "select 1; truncate items;\n"
            + "select pg_read_file('/etc/passwd');\n"
            + "select * from no_such_table;\n");
    PgTunnels.Events events = new PgTunnels.Events();
    try (TunnelHarness harness = harness(events, Instant.now().plusSeconds(600))) {
      InetSocketAddress local = PgTunnels.client(harness);
      Processes.Result result = PgTunnels.psql(pg, dir, local, "-f", script.toString());
      assertThat(result.stdout().lines()).containsExactly("1", "2", "x", "1");
      Processes.Result multi = PgTunnels.psql(pg, dir, local, "-c", "select 'm1'; select 'm2'");
      assertThat(multi.stdout().lines()).containsExactly("m1", "m2");
      assertThat(result.stderr().lines().filter(l -> l.contains("42501") || l.contains("ERROR")))
          .hasSize(5);

      Properties props = new Properties();
      props.setProperty("user", "x");
      props.setProperty("sslmode", "disable");
      String url = "jdbc:postgresql://127.0.0.1:" + local.getPort() + "/postgres";
      try (Connection connection = DriverManager.getConnection(url, props);
          var statement =
              connection.prepareStatement("select count(*) from items where owner <> ?")) {
        statement.setString(1, "z@example.org");
        try (var rs = statement.executeQuery()) {
          rs.next();
          assertThat(rs.getInt(1)).isEqualTo(2);
        }
      }
    }
    List<QueryEvent> list = events.list();
    assertThat(list)
        .extracting(QueryEvent::sql)
        .startsWith(
            "insert into items values (1, 'a@example.com'), (2, 'b')",
            "select id from items order by id",
            "select 'x'");
    assertThat(list.get(0).rows()).isEqualTo(2);
    assertThat(list.get(0).commandTag()).isEqualTo("INSERT 0 2");
    assertThat(list.get(1).rows()).isEqualTo(2);
    assertThat(list).extracting(QueryEvent::sql).containsSubsequence("select 'm1'", "select 'm2'");
    assertThat(list).filteredOn(QueryEvent::blocked).hasSize(4);
    assertThat(list)
        .filteredOn(e -> e.sql().contains("no_such_table"))
        .singleElement()
        .satisfies(e -> assertThat(e.error()).startsWith("42P01 "));
    QueryEvent prepared = list.get(list.size() - 1);
    assertThat(prepared.sql()).isEqualTo("select count(*) from items where owner <> $1");
    assertThat(prepared.parameters()).containsExactly("****");
    assertThat(prepared.rows()).isEqualTo(1);
  }

  @Test
  void psqlCtrlCAndPgjdbcCancelStopARunningQuery() throws Exception {
    try (TunnelHarness harness = harness(EngineListener.NONE, Instant.now().plusSeconds(600))) {
      InetSocketAddress local = PgTunnels.client(harness);
      ProcessBuilder builder =
          new ProcessBuilder(
                  PgTunnels.psqlCommand(pg, local, "postgres", "-c", "select pg_sleep(30)"))
              .directory(dir.toFile());
      builder.environment().keySet().removeIf(name -> name.startsWith("PG"));
      Process psql = builder.start();
      CompletableFuture<String> stderr = drain(psql.getErrorStream());
      awaitRunning("select pg_sleep(30)");
      new ProcessBuilder("kill", "-INT", Long.toString(psql.pid())).start().waitFor();
      assertThat(psql.waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThat(psql.exitValue()).isEqualTo(1);
      assertThat(stderr.join()).contains("canceling statement due to user request");

      Properties props = new Properties();
      props.setProperty("user", "x");
      props.setProperty("sslmode", "disable");
      String url = "jdbc:postgresql://127.0.0.1:" + local.getPort() + "/postgres";
      try (Connection connection = DriverManager.getConnection(url, props);
          Statement statement = connection.createStatement()) {
        CompletableFuture<Void> cancel =
            CompletableFuture.runAsync(
                () -> {
                  try {
                    awaitRunning("select pg_sleep(31)");
                    statement.cancel();
                  } catch (SQLException e) {
                    throw new IllegalStateException(e);
                  }
                });
        long start = System.nanoTime();
        assertThatThrownBy(() -> statement.execute("select pg_sleep(31)"))
            .isInstanceOfSatisfying(
                SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("57014"));
        cancel.join();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
      }
      // A key nobody handed out is dropped without an answer, like PostgreSQL does.
      try (Socket socket = new Socket(local.getAddress(), local.getPort())) {
        socket.setSoTimeout(10_000);
        OutputStream out = socket.getOutputStream();
        out.write(new byte[] {0, 0, 0, 16, 4, (byte) 210, 22, 46, 0, 0, 0, 1, 0, 0, 0, 2});
        out.flush();
        assertThat(socket.getInputStream().read()).isEqualTo(-1);
      }
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> CancelRegistry.SHARED.size() == 0);
  }

  @Test
  void theClientIsWarnedBeforeTheDeadlineAndToldWhyAtIt() throws Exception {
    try (TunnelHarness harness = harness(EngineListener.NONE, Instant.now().plusSeconds(3));
        WireClient wire = new WireClient(PgTunnels.client(harness))) {
      wire.send(StartupMessage.of(Map.of("user", "x", "database", "postgres")));
      List<BackendMessage> startup = wire.untilReady();
      assertThat(startup)
          .filteredOn(m -> m instanceof NoticeResponse)
          .singleElement()
          .satisfies(
              m -> {
                NoticeResponse notice = (NoticeResponse) m;
                assertThat(notice.severity()).isEqualTo("WARNING");
                assertThat(notice.message())
                    .matches(
                        "hoop: grant g-pg for task T-1 expires at \\d\\d:\\d\\d:\\d\\d UTC \\(in"
                            + " [0-9] seconds\\)");
              });
      wire.send(new Query("select pg_sleep(10)"));
      ErrorResponse goodbye = untilError(wire);
      assertThat(goodbye.severity()).isEqualTo("FATAL");
      assertThat(goodbye.sqlState()).isEqualTo("57P01");
      assertThat(goodbye.message()).isEqualTo("hoop: grant g-pg for task T-1 expired");
      assertThatThrownBy(wire::read).isInstanceOf(IOException.class);
    }
  }

  @Test
  void aRevokedGrantEndsThePsqlSessionWithAFatalNamingIt() throws Exception {
    try (TunnelHarness harness = harness(EngineListener.NONE, Instant.now().plusSeconds(600))) {
      InetSocketAddress local = PgTunnels.client(harness);
      ProcessBuilder builder =
          new ProcessBuilder(
                  PgTunnels.psqlCommand(pg, local, "postgres", "-c", "select pg_sleep(32)"))
              .directory(dir.toFile());
      builder.environment().keySet().removeIf(name -> name.startsWith("PG"));
      Process psql = builder.start();
      CompletableFuture<String> stderr = drain(psql.getErrorStream());
      awaitRunning("select pg_sleep(32)");
      assertThat(harness.tunnels.closeGrant(PgTunnels.GRANT, "grant_revoked", "revoked by bob"))
          .isEqualTo(1);
      assertThat(psql.waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThat(psql.exitValue()).isEqualTo(2);
      assertThat(stderr.join())
          .contains("FATAL:  hoop: grant g-pg for task T-1 was revoked")
          .contains("revoked by bob");
    }
  }

  @Test
  void anUnreachableUpstreamIsAFatalForPsqlAndTheBrokerGoesOn() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    InetSocketAddress down = new InetSocketAddress(InetAddress.getLoopbackAddress(), closedPort);
    try (TunnelHarness harness =
        harness(EngineListener.NONE, Instant.now().plusSeconds(600), down)) {
      InetSocketAddress local = PgTunnels.client(harness);
      Processes.Result result = PgTunnels.psql(pg, dir, local, "-c", "select 1");
      assertThat(result.exitCode()).isEqualTo(2);
      assertThat(result.stderr())
          .contains("FATAL:  hoop: cannot reach upstream ")
          .contains(":" + closedPort + " (connection refused)");
    }
  }

  @Test
  void malformedMessagesAndA2GbLengthGetAClearFatalAndOtherSessionsGoOn() throws Exception {
    try (TunnelHarness harness = harness(EngineListener.NONE, Instant.now().plusSeconds(600))) {
      InetSocketAddress local = PgTunnels.client(harness);
      try (WireClient wire = new WireClient(local)) {
        wire.send(StartupMessage.of(Map.of("user", "x", "database", "postgres")));
        wire.untilReady();
        wire.sendRaw(new byte[] {'Q', (byte) 0x80, 0, 0, 0, 's', 'e', 'l'});
        ErrorResponse error = untilError(wire);
        assertThat(error.severity()).isEqualTo("FATAL");
        assertThat(error.sqlState()).isEqualTo("08P01");
        assertThat(error.message()).contains("2147483648 bytes");
        assertThatThrownBy(wire::read).isInstanceOf(EOFException.class);
      }
      try (WireClient wire = new WireClient(local)) {
        wire.send(StartupMessage.of(Map.of("user", "x", "database", "postgres")));
        wire.untilReady();
        // A Bind whose parameter claims more bytes than the message holds.
        wire.sendRaw(new byte[] {'B', 0, 0, 0, 16, 0, 0, 0, 0, 0, 1, 0, 0, 0x7f, 0, 0, 0});
        ErrorResponse error = untilError(wire);
        assertThat(error.severity()).isEqualTo("FATAL");
        assertThat(error.message()).contains("malformed client message of type 'B'");
      }
      try (WireClient wire = new WireClient(local)) {
        wire.send(StartupMessage.of(Map.of("user", "x", "database", "postgres")));
        wire.untilReady();
        wire.send(
            new Parse("", "select 42", List.of()),
            new Bind("", "", List.of(), List.of(), List.of()),
            new Execute("", 0),
            Sync.INSTANCE);
        assertThat(wire.untilReady()).hasSize(5);
      }
    }
  }

  private static ErrorResponse untilError(WireClient wire) throws IOException {
    while (true) {
      if (wire.read() instanceof ErrorResponse error) {
        return error;
      }
    }
  }

  /** Waits until exactly one session runs {@code sql}. */
  private static void awaitRunning(String sql) {
    await()
        .atMost(Duration.ofSeconds(15))
        .until(
            () ->
                pg.superuser(
                        "select count(*) from pg_stat_activity where state = 'active' and query = '"
                            + sql.replace("'", "''")
                            + "'")
                    .equals("1"));
  }

  @AfterEach
  void endSleepers() {
    // A backend sleeping for a closed client only notices when it wakes: end it for the next test.
    pg.superuser(
        "select count(pg_terminate_backend(pid)) from pg_stat_activity where query like"
            + " 'select pg_sleep%'");
  }

  private static CompletableFuture<String> drain(InputStream stream) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (stream) {
            ByteArrayOutputStream buffer = new ByteArrayOutputStream();
            stream.transferTo(buffer);
            return buffer.toString(StandardCharsets.UTF_8);
          } catch (IOException e) {
            throw new IllegalStateException(e);
          }
        });
  }
}
