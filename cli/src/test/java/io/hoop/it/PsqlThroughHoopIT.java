package io.hoop.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoop.cli.Hoop;
import io.hoop.testkit.BrokerFixture;
import io.hoop.testkit.PostgresCluster;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole path with real parts: the CLI logs in through the device flow, asks for a grant, and
 * real {@code psql} reaches a real PostgreSQL through {@code hoop connect ... -- psql}.
 */
class PsqlThroughHoopIT {
  static PostgresCluster pg;
  static BrokerFixture broker;

  @TempDir Path home;

  @BeforeAll
  static void start() throws Exception {
    pg = PostgresCluster.start();
    pg.execSql("create table items (id int primary key, name text)");
    pg.execSql("insert into items values (1, 'one'), (2, 'two'), (3, 'three')");
    broker =
        BrokerFixture.start(
            """
            devIdp:
              pollInterval: 1s
            targets:
              - name: demo-db
                type: postgres
                address: 127.0.0.1:%d
            entitlements:
              - group: engineering
                targets: [demo-db]
                maxDuration: 1h
            """
                .formatted(pg.port()));
  }

  @AfterAll
  static void stop() throws Exception {
    if (broker != null) {
      broker.close();
    }
    if (pg != null) {
      pg.close();
    }
  }

  private Map<String, String> env() {
    Map<String, String> env = new HashMap<>(System.getenv());
    env.put("HOOP_CONFIG_DIR", home.resolve("hoop").toString());
    env.remove("HOOP_PROFILE");
    return env;
  }

  private record Run(int code, String out, String err) {}

  private Run hoop(java.io.OutputStream errSink, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    java.io.OutputStream tee =
        errSink == null
            ? err
            : new java.io.OutputStream() {
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
    return new Run(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private void login(String user) {
    Run r =
        hoop(
            new CodeApprover(broker, user, true),
            "login",
            "--broker",
            broker.url(),
            "--fingerprint",
            broker.fingerprint());
    assertThat(r.code()).as("login stderr: %s", r.err()).isZero();
    assertThat(r.out() + r.err()).contains(user);
  }

  @Test
  void psqlThroughTheTunnelReturnsRows() throws Exception {
    login("alice");
    Path credentials = home.resolve("hoop/profiles/default/credentials.json");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(credentials)))
        .isEqualTo("rw-------");

    Path result = home.resolve("rows.txt");
    Run r =
        hoop(
            null,
            "connect",
            "demo-db",
            "--task",
            "IT-1",
            "--duration",
            "5m",
            "--",
            "psql",
            "-U",
            "postgres",
            "-d",
            "postgres",
            "-v",
            "ON_ERROR_STOP=1",
            "-At",
            "-o",
            result.toString(),
            "-c",
            "select id, name from items order by id");
    assertThat(r.code()).as("connect stderr: %s", r.err()).isZero();
    assertThat(Files.readString(result)).isEqualTo("1|one\n2|two\n3|three\n");
    assertThat(r.err()).contains("demo-db").contains("IT-1");

    // The broker records the close off the event loop, just after the CLI has exited.
    var events =
        org.awaitility.Awaitility.await()
            .atMost(java.time.Duration.ofSeconds(5))
            .until(
                () -> broker.server().audit().list(0, 1000, "alice", "IT-1"),
                list -> list.stream().anyMatch(e -> e.type().equals("tunnel.close")));
    assertThat(events)
        .extracting(e -> e.type())
        .contains("grant.approved", "tunnel.open", "tunnel.close");
    var close =
        events.stream().filter(e -> e.type().equals("tunnel.close")).findFirst().orElseThrow();
    assertThat(((Number) close.details().get("bytesDown")).longValue()).isPositive();
    assertThat(((Number) close.details().get("bytesUp")).longValue()).isPositive();
  }

  @Test
  void commandExitCodeIsPassedThrough() {
    login("alice");
    Run r =
        hoop(
            null,
            "connect",
            "demo-db",
            "--task",
            "IT-2",
            "--",
            "psql",
            "-U",
            "postgres",
            "-d",
            "postgres",
            "-v",
            "ON_ERROR_STOP=1",
            "-c",
            "select * from no_such_table");
    assertThat(r.code()).isEqualTo(1);
  }

  @Test
  void aRawRelayRefusesAUnixSocketThatWouldDropTheDatabasesTls() {
    login("alice");
    Run r = hoop(null, "connect", "demo-db", "--task", "IT-4", "--unix-socket", "--", "true");
    assertThat(r.code()).as(r.err()).isEqualTo(2);
    assertThat(r.err())
        .contains("libpq does not use TLS over a Unix socket")
        // Refused before any grant is asked for: there is no request to resume.
        .doesNotContain("--request")
        .doesNotContain("Connect to");
  }

  @Test
  void deniedTargetExitsThreeWithTheReason() {
    login("bob");
    Run r = hoop(null, "connect", "demo-db", "--task", "IT-3", "--", "true");
    assertThat(r.code()).isEqualTo(3);
    assertThat(r.err()).contains("no entitlement covers bob");
  }

  @Test
  void deniedSignInExitsThree() {
    Run r =
        hoop(
            new CodeApprover(broker, "alice", false),
            "login",
            "--broker",
            broker.url(),
            "--fingerprint",
            broker.fingerprint());
    assertThat(r.code()).as(r.err()).isEqualTo(3);
    assertThat(r.err()).contains("denied");
  }

  @Test
  void notLoggedInExitsSix() {
    Run r = hoop(null, "whoami");
    assertThat(r.code()).isEqualTo(6);
    assertThat(r.err()).contains("hoop login");
  }
}
