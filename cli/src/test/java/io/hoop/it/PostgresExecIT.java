package io.hoop.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hoop.api.Json;
import io.hoop.testkit.BrokerFixture;
import io.hoop.testkit.PostgresCluster;
import io.hoop.testkit.PostgresTarget;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code hoop exec TARGET --task ID -c/-f} on a postgres target through the real broker, the real
 * postgres engine and a real PostgreSQL: no psql and no local port on the client, results as a
 * table, JSON or CSV, guardrails and masking applied, a blocked statement stops the script with
 * exit 126, a failed one with exit 1, a held one waits for a reviewer.
 */
class PostgresExecIT {
  static final String RO_PASSWORD = "ro-Exec-Pa55-never-shown";
  static final String RW_PASSWORD = "rw-Exec-Pa55-never-shown";

  static PostgresCluster pg;
  static BrokerFixture broker;
  static Path dir;
  static Map<String, String> alice;
  static Map<String, String> bob;

  @BeforeAll
  static void start() throws Exception {
    dir = Files.createTempDirectory("hoop-pg-exec-it-");
    pg = PostgresCluster.start(PostgresCluster.HostAuth.SCRAM_SHA_256);
    pg.createRole("app_ro", RO_PASSWORD);
    pg.createRole("app_rw", RW_PASSWORD);
    pg.execSql("create database app owner app_rw");
    pg.execSql(
        "app",
        "create table customers (id int primary key, name text, email text, ssn text);"
            + " insert into customers values (1, 'Alice', 'alice@example.com', '123-45-6789'),"
            + " (2, 'Bob', 'bob@example.org', '987-65-4321');"
            + " create table events (id serial primary key, what text);"
            + " create table orders (id int primary key);"
            + " insert into orders values (1), (2), (3);"
            + " grant select on customers to app_ro; grant all on customers, events, orders to app_rw;"
            + " grant all on sequence events_id_seq to app_rw;");
    String target =
        PostgresTarget.named("prod-db", pg.port(), dir)
            .database("app")
            .role("readonly", "app_ro", RO_PASSWORD)
            .role("readwrite", "app_rw", RW_PASSWORD)
            .defaultRole("readonly")
            .section(
                """
                guardrails:
                  default: {denyStatements: [DROP, TRUNCATE, ALTER SYSTEM]}
                  readwrite: {denyStatements: [DROP, ALTER SYSTEM], reviewStatements: [DELETE]}
                masking:
                  columns: [{column: "public.customers.email", style: partial}, {column: "*.*.ssn", style: redact}]
                """)
            .yaml()
            .replace("    type: postgres\n", "    type: postgres\n    reviewers: [dba]\n");
    broker =
        BrokerFixture.start(
            """
            devIdp:
              pollInterval: 1s
              users:
                - {username: alice, groups: [engineering]}
                - {username: bob, groups: [dba]}
            targets:
            %s
            entitlements:
              - group: engineering
                targets: [prod-db]
                maxDuration: 1h
                reviewedBy: carol
                reviewedAt: 2026-01-01T00:00:00Z
                reviewExpiresAt: 2099-01-01T00:00:00Z
            """
                .formatted(target));
    alice = login("alice");
    bob = login("bob");
  }

  @AfterAll
  static void stop() throws Exception {
    if (broker != null) {
      broker.close();
    }
    if (pg != null) {
      pg.close();
    }
    if (dir != null) {
      try (Stream<Path> s = Files.walk(dir)) {
        s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  static Map<String, String> login(String user) {
    Map<String, String> env = HoopCli.env(dir.resolve("home-" + user));
    env.keySet().removeIf(k -> k.startsWith("PG"));
    HoopCli.Run r =
        HoopCli.run(
            env,
            new CodeApprover(broker, user, true),
            "login",
            "--broker",
            broker.url(),
            "--fingerprint",
            broker.fingerprint());
    assertThat(r.code()).as("login stderr: %s", r.err()).isZero();
    return env;
  }

  static HoopCli.Run exec(OutputStream errSink, String... args) {
    List<String> argv = new ArrayList<>(List.of("exec", "prod-db"));
    argv.addAll(List.of(args));
    HoopCli.Run r = HoopCli.run(alice, errSink, argv.toArray(String[]::new));
    // Whatever happens, the broker-held passwords never reach the client.
    assertThat(r.out() + r.err()).doesNotContain(RO_PASSWORD).doesNotContain(RW_PASSWORD);
    return r;
  }

  static HoopCli.Run exec(String... args) {
    return exec(null, args);
  }

  static Path script(String name, String sql) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, sql);
    return p;
  }

  static int count(String sql) {
    return Integer.parseInt(pg.execSql("app", sql).strip());
  }

  @Test
  void aQueryPrintsAnAlignedTableAsTheGrantsRole() {
    HoopCli.Run r =
        exec(
            "--task",
            "CI-1",
            "-c",
            "select current_user as who, 2 + 40 as answer, null as nothing");
    assertThat(r.code()).as("stderr: %s", r.err()).isZero();
    assertThat(r.out())
        .isEqualTo(
            String.join(
                System.lineSeparator(),
                "  who   | answer | nothing",
                "--------+--------+---------",
                " app_ro |     42 |",
                "(1 row)",
                "",
                ""));
    assertThat(r.err()).contains("released (hoop exec finished)");
  }

  @Test
  void aBlockedStatementStopsTheFileAfterTheEarlierOnesRanAndExits126() throws Exception {
    int before = count("select count(*) from events");
    Path file =
        script(
            "blocked.sql",
            """
            -- a migration with a forbidden step in the middle
            insert into events (what) values ('first; with a semicolon');
            insert into events (what) values ($$second$$);
            drop table customers;
            insert into events (what) values ('never');
            """);
    HoopCli.Run r = exec("--task", "CI-2", "--role", "readwrite", "-f", file.toString());
    assertThat(r.code()).as("stderr: %s", r.err()).isEqualTo(126);
    assertThat(r.out())
        .isEqualTo("INSERT 0 1" + System.lineSeparator() + "INSERT 0 1" + System.lineSeparator());
    assertThat(r.err())
        .contains("statement 3 (line 4) blocked")
        .contains("SQLSTATE 42501")
        .contains("stopped after statement 3 of 4; 1 did not run")
        .contains("[hoop exec: refused by policy, exit 126]");
    assertThat(count("select count(*) from events")).isEqualTo(before + 2);
    assertThat(count("select count(*) from events where what = 'never'")).isZero();
    assertThat(count("select count(*) from events where what = 'first; with a semicolon'"))
        .isEqualTo(1);
    assertThat(count("select count(*) from customers")).isEqualTo(2);
  }

  @Test
  void jsonIsOneDocumentWithEveryStatement() throws Exception {
    HoopCli.Run r =
        exec(
            "--task",
            "CI-3",
            "-o",
            "json",
            "-c",
            "select id, name from customers order by id; do $$ begin raise notice 'hello;'; end $$;"
                + " drop table customers; select 1");
    assertThat(r.code()).as("stderr: %s", r.err()).isEqualTo(126);
    JsonNode doc = Json.mapper().readTree(r.out());
    assertThat(doc.get("target").asText()).isEqualTo("prod-db");
    assertThat(doc.get("grant").asText()).startsWith("g-");
    assertThat(doc.get("exitCode").asInt()).isEqualTo(126);
    JsonNode s = doc.get("statements");
    assertThat(s).hasSize(4);
    assertThat(s.get(0).get("status").asText()).isEqualTo("ok");
    assertThat(s.get(0).get("command").asText()).isEqualTo("SELECT 2");
    assertThat(s.get(0).get("columns").get(1).get("name").asText()).isEqualTo("name");
    assertThat(s.get(0).get("columns").get(0).get("typeOid").asInt()).isEqualTo(23);
    assertThat(s.get(0).get("rows").toString()).isEqualTo("[[\"1\",\"Alice\"],[\"2\",\"Bob\"]]");
    assertThat(s.get(1).get("command").asText()).isEqualTo("DO");
    assertThat(s.get(1).get("notices").get(0).get("message").asText()).isEqualTo("hello;");
    assertThat(s.get(1).get("rows").isNull()).isTrue();
    assertThat(s.get(2).get("status").asText()).isEqualTo("blocked");
    assertThat(s.get(2).get("error").get("code").asText()).isEqualTo("42501");
    assertThat(s.get(2).get("command").isNull()).isTrue();
    assertThat(s.get(3).get("status").asText()).isEqualTo("not_run");
    assertThat(s.get(3).get("sql").asText()).isEqualTo("select 1");
    // Notices still go to stderr; stdout is the document alone.
    assertThat(r.err()).contains("NOTICE:  hello;");
  }

  @Test
  void csvQuotesPerRfc4180() {
    HoopCli.Run r =
        exec(
            "--task",
            "CI-4",
            "-o",
            "csv",
            "-c",
            "select 'a,b' as \"x,y\", 'say \"hi\"' as q, null as n, '' as e, E'two\\nlines' as l");
    assertThat(r.code()).as("stderr: %s", r.err()).isZero();
    assertThat(r.out())
        .isEqualTo("\"x,y\",q,n,e,l\r\n\"a,b\",\"say \"\"hi\"\"\",,\"\",\"two\nlines\"\r\n");
  }

  @Test
  void aFailedStatementPrintsItsErrorStopsAndExits1() {
    HoopCli.Run r =
        exec("--task", "CI-5", "-c", "select 1 as a;\nselect * from nope;\nselect 3 as c");
    assertThat(r.code()).as("stderr: %s", r.err()).isEqualTo(1);
    assertThat(r.out()).contains(" a").doesNotContain(" c");
    assertThat(r.err())
        .contains(
            "statement 2 (line 2) failed: ERROR:  relation \"nope\" does not exist (SQLSTATE 42P01)")
        .contains("stopped after statement 2 of 3")
        .contains("[hoop exec: statement failed, exit 1]");
  }

  @Test
  void continueOnErrorRunsTheRestAndStillFails() {
    HoopCli.Run r =
        exec(
            "--task",
            "CI-6",
            "--continue-on-error",
            "-c",
            "select * from nope; drop table customers; select 3 as c");
    // Blocked and failed: the broker's refusal wins.
    assertThat(r.code()).as("stderr: %s", r.err()).isEqualTo(126);
    assertThat(r.out()).contains(" c").contains("(1 row)");
    assertThat(r.err()).contains("42P01").contains("blocked").doesNotContain("stopped after");
    assertThat(count("select count(*) from customers")).isEqualTo(2);
  }

  @Test
  void maskedColumnsPrintAsTheEngineSendsThem() {
    HoopCli.Run r =
        exec(
            "--task",
            "CI-7",
            "-o",
            "csv",
            "-c",
            "select id, email, ssn from customers order by id");
    assertThat(r.code()).as("stderr: %s", r.err()).isZero();
    assertThat(r.out())
        .isEqualTo("id,email,ssn\r\n1,*************.com,****\r\n2,***********.org,****\r\n")
        .doesNotContain("alice@example.com")
        .doesNotContain("123-45-6789");
  }

  @Test
  void aBrokenScriptRunsNothingAndCostsNoGrant() throws Exception {
    Path file = script("broken.sql", "insert into events (what) values ('x');\nselect 'oops;\n");
    HoopCli.Run r = exec("--task", "CI-8", "--role", "readwrite", "-f", file.toString());
    assertThat(r.code()).isEqualTo(255);
    assertThat(r.err()).contains("line 2").contains("nothing was run").doesNotContain("grant");
    assertThat(count("select count(*) from events where what = 'x'")).isZero();
    HoopCli.Run meta = exec("--task", "CI-8", "-c", "\\! id");
    assertThat(meta.code()).isEqualTo(255);
    assertThat(meta.err()).contains("meta-command");
  }

  @Test
  void aHeldStatementWaitsForTheReviewerThenRunsOnce() throws Exception {
    StringBuilder seen = new StringBuilder();
    OutputStream sink =
        new OutputStream() {
          @Override
          public synchronized void write(int b) {
            seen.append((char) b);
          }
        };
    CompletableFuture<HoopCli.Run> run =
        CompletableFuture.supplyAsync(
            () ->
                exec(
                    sink,
                    "--task",
                    "CI-9",
                    "--role",
                    "readwrite",
                    "-c",
                    "delete from orders where id = 3; select count(*) as left_over from orders"));
    Pattern held = Pattern.compile("held for review as (h-[a-z0-9]+)");
    String id =
        Awaitility.await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () -> {
                  synchronized (sink) {
                    Matcher m = held.matcher(seen);
                    return m.find() ? m.group(1) : null;
                  }
                },
                v -> v != null);
    assertThat(count("select count(*) from orders")).isEqualTo(3);
    assertThat(run).isNotDone();
    HoopCli.Run approve = HoopCli.run(bob, null, "approve", id);
    assertThat(approve.code()).as("approve stderr: %s", approve.err()).isZero();
    HoopCli.Run r = run.get(30, TimeUnit.SECONDS);
    assertThat(r.code()).as("stderr: %s", r.err()).isZero();
    assertThat(r.err())
        .contains("NOTICE:  hoop: this")
        .contains("waiting for a reviewer to approve " + id);
    assertThat(r.out())
        .startsWith("DELETE 1")
        .contains(" left_over")
        .containsPattern(" 2\\R\\(1 row\\)");
    assertThat(count("select count(*) from orders")).isEqualTo(2);
  }

  @Test
  void ctrlCCancelsTheRunningStatementOrTheHoldAndExits255() throws Exception {
    String sleeping =
        "select count(*) from pg_stat_activity where query like '%pg_sleep(120)%'"
            + " and pid <> pg_backend_pid()";
    try (CliProcess p =
        CliProcess.start(
            alice,
            "exec",
            "prod-db",
            "--task",
            "CI-11",
            "-c",
            "select 1 as a; select pg_sleep(120) as slept; select 3 as c")) {
      p.awaitOutLines(4);
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> count(sleeping) == 1);
      long start = System.nanoTime();
      p.signal("INT");
      assertThat(p.waitFor()).as("stderr: %s", p.err()).isEqualTo(255);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
      assertThat(p.err()).contains("interrupted").contains("57014");
      assertThat(p.out()).doesNotContain(" c");
      // The server ran the CancelRequest: nothing sleeps on.
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> count(sleeping) == 0);
    }
    try (CliProcess p =
        CliProcess.start(
            alice,
            "exec",
            "prod-db",
            "--task",
            "CI-12",
            "--role",
            "readwrite",
            "-c",
            "delete from orders where id = 1")) {
      p.awaitErr("held for review as");
      p.signal("INT");
      assertThat(p.waitFor()).as("stderr: %s", p.err()).isEqualTo(255);
      assertThat(p.err()).contains("cancelled by the client").contains("interrupted");
      assertThat(count("select count(*) from orders where id = 1")).isEqualTo(1);
    }
  }

  @Test
  void sshOnlyAndSqlOnlyOptionsAreRefusedBeforeAnyGrant() {
    HoopCli.Run both = exec("--task", "CI-10", "-c", "select 1", "--", "uptime");
    assertThat(both.code()).isEqualTo(255);
    assertThat(both.err()).contains("give one or the other");
    HoopCli.Run none = exec("--task", "CI-10");
    assertThat(none.code()).isEqualTo(255);
    assertThat(none.err()).contains("is a postgres target: give the SQL with -c SQL or -f FILE");
    assertThat(none.err() + both.err()).doesNotContain("g-");
  }
}
