package io.hoop.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.hoop.api.Json;
import io.hoop.cli.Hoop;
import io.hoop.testkit.BrokerFixture;
import io.hoop.testkit.PostgresCluster;
import io.hoop.testkit.PostgresTarget;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The postgres engine through the real broker and CLI: the client knows no password, the grant's
 * role picks the database user, guardrails block with 42501 and the session goes on, masked columns
 * come back masked, every statement is recorded and shown by {@code hoop sessions}, pgjdbc
 * (prepared, binary) and pgbench work through the tunnel.
 */
class PostgresEngineThroughHoopIT {
  static final String RO_PASSWORD = "ro-Pa55-never-shown";
  static final String RW_PASSWORD = "rw-Pa55-never-shown";

  static PostgresCluster pg;
  static BrokerFixture broker;
  static Path secrets;

  @TempDir Path home;

  @BeforeAll
  static void start() throws Exception {
    secrets = Files.createTempDirectory("hoop-pg-secrets-");
    pg = PostgresCluster.start(PostgresCluster.HostAuth.SCRAM_SHA_256);
    pg.createRole("app_ro", RO_PASSWORD);
    pg.createRole("app_rw", RW_PASSWORD);
    pg.execSql("create database app owner app_rw");
    pg.execSql(
        "app",
        "create table customers (id int primary key, name text, email text, ssn text);"
            + " insert into customers values (1, 'Alice', 'alice@example.com', '123-45-6789'),"
            + " (2, 'Bob', 'bob@example.org', '987-65-4321');"
            + " create schema secret; create table secret.keys (k text);"
            + " grant select on customers to app_ro; grant all on customers to app_rw;");
    String target =
        PostgresTarget.named("prod-db", pg.port(), secrets)
            .database("app")
            .role("readonly", "app_ro", RO_PASSWORD)
            .role("readwrite", "app_rw", RW_PASSWORD)
            .defaultRole("readonly")
            .section(
                """
                guardrails:
                  default: {denyStatements: [DROP, TRUNCATE, ALTER SYSTEM, COPY PROGRAM, CREATE EXTENSION], denyFunctions: [pg_read_file, lo_export, dblink*], denyObjects: ["secret.*"], requireWhere: true}
                  readwrite: {denyStatements: [ALTER SYSTEM, COPY PROGRAM, CREATE EXTENSION], denyFunctions: [pg_read_file]}
                masking:
                  columns: [{column: "public.customers.email", style: partial}, {column: "*.*.ssn", style: redact}]
                  detectors: [card]
                  detectorStyle: redact
                """)
            .yaml();
    broker =
        BrokerFixture.start(
            """
            devIdp:
              pollInterval: 1s
              users:
                - {username: alice, groups: [engineering]}
                - {username: carol, groups: [engineering]}
                - {username: audrey, groups: [auditors]}
            targets:
            %s
            entitlements:
              - group: engineering
                targets: [prod-db]
                maxDuration: 1h
            """
                .formatted(target));
  }

  @AfterAll
  static void stop() throws Exception {
    if (broker != null) {
      broker.close();
    }
    if (pg != null) {
      pg.close();
    }
    if (secrets != null) {
      try (var s = Files.walk(secrets)) {
        s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private Map<String, String> env() {
    Map<String, String> env = new HashMap<>(System.getenv());
    env.put("HOOP_CONFIG_DIR", home.resolve("hoop").toString());
    env.remove("HOOP_PROFILE");
    env.keySet().removeIf(k -> k.startsWith("PG"));
    return env;
  }

  record Run(int code, String out, String err) {}

  Run hoop(OutputStream errSink, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    OutputStream tee =
        errSink == null
            ? err
            : new OutputStream() {
              @Override
              public void write(int b) throws java.io.IOException {
                err.write(b);
                errSink.write(b);
              }
            };
    int code =
        Hoop.run(
            env(),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(tee, true, StandardCharsets.UTF_8),
            args);
    Run r =
        new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    // Whatever happens, the broker-held passwords never reach the client.
    assertThat(r.out() + r.err()).doesNotContain(RO_PASSWORD).doesNotContain(RW_PASSWORD);
    return r;
  }

  void login(String user) {
    Run r =
        hoop(
            new CodeApprover(broker, user, true),
            "login",
            "--broker",
            broker.url(),
            "--fingerprint",
            broker.fingerprint());
    assertThat(r.code()).as("login stderr: %s", r.err()).isZero();
  }

  /** {@code hoop connect prod-db --task TASK [--role R] -- sh -c SCRIPT}. */
  Run connectSh(String task, String role, String script) {
    List<String> args = new ArrayList<>(List.of("connect", "prod-db", "--task", task));
    if (role != null) {
      args.addAll(List.of("--role", role));
    }
    args.addAll(List.of("--", "sh", "-c", script));
    return hoop(null, args.toArray(String[]::new));
  }

  String psql() {
    return pg.psqlArgs().get(0) + " -X";
  }

  @Test
  void rowsComeBackAsTheDefaultRoleWithoutAnyPasswordOnTheClient() throws Exception {
    login("alice");
    Path out = home.resolve("out.txt");
    Path env = home.resolve("env.txt");
    Run r =
        connectSh(
            "PG-1",
            null,
            "env | grep '^PG' | sort > '%s'; %s -v ON_ERROR_STOP=1 -At -o '%s' -c 'select current_user, current_database(), count(*) from customers'"
                .formatted(env, psql(), out));
    assertThat(r.code()).as("connect stderr: %s", r.err()).isZero();
    assertThat(Files.readString(out)).isEqualTo("app_ro|app|2\n");
    assertThat(Files.readAllLines(env))
        .contains("PGDATABASE=app", "PGHOST=127.0.0.1", "PGSSLMODE=disable", "PGUSER=hoop")
        .noneMatch(l -> l.startsWith("PGPASSWORD"));
    assertThat(r.err())
        .containsPattern("psql \"postgresql://hoop@127\\.0\\.0\\.1:\\d+/app\\?sslmode=disable\"");
  }

  @Test
  void theGrantsRolePicksTheDatabaseUser() throws Exception {
    login("alice");
    Path out = home.resolve("out.txt");
    Run rw =
        connectSh(
            "PG-2",
            "readwrite",
            "%s -v ON_ERROR_STOP=1 -At -o '%s' -c 'select current_user'".formatted(psql(), out));
    assertThat(rw.code()).as("connect stderr: %s", rw.err()).isZero();
    assertThat(Files.readString(out)).isEqualTo("app_rw\n");

    Run unknown =
        hoop(null, "connect", "prod-db", "--task", "PG-2", "--role", "admin", "--", "true");
    assertThat(unknown.code()).isNotZero();
    assertThat(unknown.err()).contains("admin");
  }

  @Test
  void targetsListTheRoleNamesAGrantMayName() throws Exception {
    login("alice");
    Run json = hoop(null, "targets", "-o", "json");
    assertThat(json.code()).as("targets stderr: %s", json.err()).isZero();
    assertThat(
            io.hoop.api.Json.mapper().readValue(json.out(), io.hoop.api.TargetList.class).targets())
        .singleElement()
        .satisfies(t -> assertThat(t.roles()).containsExactly("readonly", "readwrite"));
    Run table = hoop(null, "targets");
    assertThat(table.out()).containsPattern("prod-db\\s+postgres\\s+1h\\s+readonly,readwrite\\s");
  }

  @Test
  void blockedStatementGets42501MaskedColumnsComeBackMaskedAndSessionsShowIt() throws Exception {
    login("alice");
    Path sql = home.resolve("script.sql");
    Files.writeString(
        sql,
        """
        select 1 as first;
        drop table customers;
        select id, name, email, ssn from customers order by id;
        select count(*) from customers;
        """);
    Path out = home.resolve("out.txt");
    Path err = home.resolve("err.txt");
    Run r =
        connectSh(
            "PG-3",
            null,
            "%s -v VERBOSITY=verbose -At -o '%s' -f '%s' 2> '%s'".formatted(psql(), out, sql, err));
    assertThat(r.code()).as("connect stderr: %s", r.err()).isZero();
    assertThat(Files.readString(err)).contains("42501").contains("DROP");
    assertThat(Files.readAllLines(out))
        // count(*) derives from no ruled column (the planner's per-column lineage): in clear.
        .containsExactly("1", "1|Alice|*************.com|****", "2|Bob|***********.org|****", "2");
    assertThat(pg.execSql("app", "select count(*) from customers").strip()).isEqualTo("2");

    JsonNode list =
        Awaitility.await()
            .atMost(Duration.ofSeconds(10))
            .until(
                () -> json(hoop(null, "sessions", "list", "--task", "PG-3", "-o", "json")),
                j ->
                    j.path("sessions").size() == 1
                        && j.path("sessions").get(0).path("statements").asLong() >= 4);
    JsonNode session = list.path("sessions").get(0);
    assertThat(session.path("principal").asText()).isEqualTo("alice");
    assertThat(session.path("target").asText()).isEqualTo("prod-db");
    assertThat(session.path("blocked").asLong()).isEqualTo(1);
    String id = session.path("id").asText();

    JsonNode detail = json(hoop(null, "sessions", "show", id, "-o", "json"));
    List<JsonNode> statements = new ArrayList<>();
    detail.path("statements").forEach(statements::add);
    JsonNode drop = find(statements, "drop table customers");
    assertThat(drop.path("blocked").asBoolean()).isTrue();
    assertThat(drop.path("blockedBy").asText()).isNotEmpty();
    JsonNode select = find(statements, "select id, name, email, ssn");
    assertThat(select.path("blocked").asBoolean()).isFalse();
    assertThat(select.path("rows").asLong()).isEqualTo(2);
    assertThat(select.path("maskedFields").asInt()).isEqualTo(4);
    assertThat(find(statements, "select 1 as first").path("rows").asLong()).isEqualTo(1);

    Run show = hoop(null, "sessions", "show", id);
    assertThat(show.code()).isZero();
    assertThat(show.out()).contains("BLOCKED").contains("drop table customers").contains(id);
    Run table = hoop(null, "sessions", "list", "--task", "PG-3");
    assertThat(table.out()).contains(id).contains("prod-db").contains("alice");
    Run replay = hoop(null, "sessions", "replay", id, "--no-wait");
    assertThat(replay.code()).isZero();
    assertThat(replay.out())
        .contains("Replaying " + id)
        .containsPattern("\\[\\+\\d\\d:\\d\\d\\.\\d{3}\\] drop table customers")
        .contains("BLOCKED");
    // Real pace, sped up: the whole session took well under a second, so this stays quick.
    assertThat(hoop(null, "sessions", "replay", id, "--speed", "100").code()).isZero();
    assertThat(hoop(null, "sessions", "replay", id, "--speed", "-1").code()).isEqualTo(2);
  }

  @Test
  void pgjdbcPreparedStatementsInBinaryModeThroughTheTunnel() throws Exception {
    login("alice");
    Path portFile = home.resolve("port.txt");
    Path done = home.resolve("done");
    CompletableFuture<Run> connect =
        CompletableFuture.supplyAsync(
            () ->
                connectSh(
                    "PG-4",
                    null,
                    // ends when told, or when the test's directory is gone (a failed test must not
                    // leave it)
                    "echo $PGPORT > '%s.tmp' && mv '%s.tmp' '%s'; while [ ! -e '%s' ] && [ -d '%s' ]; do sleep 0.1; done"
                        .formatted(portFile, portFile, portFile, done, home)));
    try {
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(portFile));
      int port = Integer.parseInt(Files.readString(portFile).strip());
      String url =
          "jdbc:postgresql://127.0.0.1:"
              + port
              + "/app?user=hoop&sslmode=disable&prepareThreshold=1&binaryTransfer=true";
      try (Connection c = DriverManager.getConnection(url)) {
        for (int round = 0; round < 5; round++) {
          try (PreparedStatement ps =
              c.prepareStatement(
                  "select id, email, ssn, ?::int + id as n from customers where id = ?")) {
            ps.setInt(1, 10 * round);
            ps.setInt(2, 1);
            try (ResultSet rs = ps.executeQuery()) {
              assertThat(rs.next()).isTrue();
              assertThat(rs.getInt(1)).isEqualTo(1);
              assertThat(rs.getString(2)).isEqualTo("*************.com");
              assertThat(rs.getString(3)).isEqualTo("****");
              // a parameter's statement cannot be planned without values on PostgreSQL 15: its
              // computed columns are of unknown lineage, redacted: "****" as text, NULL in binary
              assertThat(rs.getString(4)).isIn("****", null);
              assertThat(rs.next()).isFalse();
            }
          }
        }
        assertThatThrownBy(() -> c.prepareStatement("drop table customers").execute())
            .isInstanceOf(SQLException.class)
            .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("42501"));
        try (PreparedStatement ps = c.prepareStatement("select current_user");
            ResultSet rs = ps.executeQuery()) {
          assertThat(rs.next()).isTrue();
          assertThat(rs.getString(1)).isEqualTo("app_ro");
        }
      }
    } finally {
      Files.writeString(done, "");
    }
    Run r = connect.get(60, TimeUnit.SECONDS);
    assertThat(r.code()).as("connect stderr: %s", r.err()).isZero();
  }

  @Test
  void pgbenchInitAndAShortRunThroughTheTunnel() throws Exception {
    login("alice");
    String pgbench = pg.program("pgbench").toString();
    Path out = home.resolve("pgbench.txt");
    Run init = connectSh("PG-5", "readwrite", "%s -i -s 1 -q > '%s' 2>&1".formatted(pgbench, out));
    assertThat(init.code()).as("pgbench -i: %s %s", init.err(), readQuietly(out)).isZero();
    Run run =
        connectSh("PG-5", "readwrite", "%s -T 5 -c 2 -j 1 > '%s' 2>&1".formatted(pgbench, out));
    assertThat(run.code()).as("pgbench -T 5: %s %s", run.err(), readQuietly(out)).isZero();
    assertThat(Files.readString(out))
        .contains("number of failed transactions: 0")
        .contains("tps = ");
  }

  @Test
  void sessionsAreVisibleToTheirOwnerAndToAuditorsOnly() throws Exception {
    login("alice");
    Run r = connectSh("PG-6", null, "%s -At -c 'select 42' > /dev/null".formatted(psql()));
    assertThat(r.code()).as("connect stderr: %s", r.err()).isZero();
    JsonNode mine =
        Awaitility.await()
            .atMost(Duration.ofSeconds(10))
            .until(
                () -> json(hoop(null, "sessions", "list", "--task", "PG-6", "-o", "json")),
                j -> j.path("sessions").size() == 1);
    String id = mine.path("sessions").get(0).path("id").asText();

    login("carol");
    assertThat(
            json(hoop(null, "sessions", "list", "--task", "PG-6", "-o", "json")).path("sessions"))
        .isEmpty();
    Run denied = hoop(null, "sessions", "show", id);
    assertThat(denied.code()).isEqualTo(1);
    assertThat(denied.err()).contains("no such session");

    login("audrey");
    JsonNode all =
        json(hoop(null, "sessions", "list", "--user", "alice", "--task", "PG-6", "-o", "json"));
    assertThat(all.path("sessions").get(0).path("id").asText()).isEqualTo(id);
    JsonNode detail = json(hoop(null, "sessions", "show", id, "-o", "json"));
    assertThat(detail.path("statements").get(0).path("sql").asText()).isEqualTo("select 42");
  }

  static String readQuietly(Path p) {
    try {
      return Files.readString(p);
    } catch (java.io.IOException e) {
      return "(no output: " + e.getMessage() + ")";
    }
  }

  static JsonNode json(Run r) throws Exception {
    assertThat(r.code()).as("stderr: %s", r.err()).isZero();
    return Json.mapper().readTree(r.out());
  }

  static JsonNode find(List<JsonNode> statements, String sqlStart) {
    return statements.stream()
        .filter(s -> s.path("sql").asText().strip().startsWith(sqlStart))
        .findFirst()
        .orElseThrow(
            () ->
                new AssertionError("no statement starting with " + sqlStart + " in " + statements));
  }
}
