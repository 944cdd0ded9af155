package io.hoop.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hoop.api.AuditEvent;
import io.hoop.api.Grant;
import io.hoop.api.Json;
import io.hoop.cli.Hoop;
import io.hoop.testkit.BrokerFixture;
import io.hoop.testkit.PostgresCluster;
import io.hoop.testkit.PostgresTarget;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A vanished {@code hoop connect} must not leave its PostgreSQL backend holding locks: a real CLI
 * JVM is killed ({@code kill -9}) or stopped ({@code SIGSTOP}, a laptop asleep) with a transaction
 * open and a table locked; the broker ends the tunnel and its upstream connection, at once for a
 * killed process and within the keepalive's dead-peer timeout (3 s here) for a stopped one, and the
 * session and the audit say why.
 */
class DeadClientSecurityIT {
  static final String RW_PASSWORD = "rw-Pa55-dead-client";
  static final Duration DEAD_PEER = Duration.ofSeconds(3);

  static PostgresCluster pg;
  static BrokerFixture broker;
  static Path secrets;

  @TempDir Path home;
  Process child;

  @BeforeAll
  static void start() throws Exception {
    secrets = Files.createTempDirectory("hoop-pg-secrets-");
    pg = PostgresCluster.start(PostgresCluster.HostAuth.SCRAM_SHA_256);
    pg.createRole("app_rw", RW_PASSWORD);
    pg.execSql("create database app owner app_rw");
    pg.execSql(
        "app",
        "create table accounts (id int primary key, balance int);"
            + " insert into accounts values (1, 100);"
            + " grant all on accounts to app_rw;");
    String target =
        PostgresTarget.named("prod-db", pg.port(), secrets)
            .database("app")
            .role("readwrite", "app_rw", RW_PASSWORD)
            .defaultRole("readwrite")
            .yaml();
    broker =
        BrokerFixture.start(
            """
            devIdp:
              pollInterval: 1s
              users:
                - {username: alice, groups: [engineering]}
            tunnel:
              keepalive: 1s
              deadPeerTimeout: 3s
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
        s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @AfterEach
  void killChild() throws Exception {
    if (child != null && child.isAlive()) {
      signal(child, "CONT");
      child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    // A failed test must not leave its lock to the next one.
    pg.execSql(
        "select pg_terminate_backend(pid) from pg_stat_activity"
            + " where datname = 'app' and pid <> pg_backend_pid()");
  }

  @Test
  void killMinusNineOfHoopConnectEndsTheBackendAndFreesItsLocks() throws Exception {
    Locked locked = connectAndLock("DEAD-9");
    long killedAt = System.nanoTime();
    child.destroyForcibly(); // SIGKILL: no shutdown hook, no CLOSE frame, the kernel closes
    assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
    Duration gone = awaitBackendGone(locked.pid(), killedAt);
    // The kernel's FIN reaches the broker at once: no need to wait for the keepalive.
    assertThat(gone).isLessThan(DEAD_PEER);
    assertLockFree();
    assertClosedWith("DEAD-9", "client_disconnected");
  }

  @Test
  void aStoppedHoopConnectIsCutWithinTheDeadPeerTimeout() throws Exception {
    Locked locked = connectAndLock("DEAD-STOP");
    long stoppedAt = System.nanoTime();
    signal(child, "STOP"); // its sockets stay open, it answers nothing: a laptop asleep
    Thread.sleep(DEAD_PEER.toMillis() / 2);
    assertThat(backendAlive(locked.pid())).as("alive before the timeout").isTrue();
    Duration gone = awaitBackendGone(locked.pid(), stoppedAt);
    assertThat(gone).isLessThanOrEqualTo(DEAD_PEER.plusSeconds(2));
    assertLockFree();
    assertClosedWith("DEAD-STOP", "client_unresponsive");
  }

  @Test
  void aTcpCloseWithoutACloseFrameEndsTheTunnelAtOnce() throws Exception {
    // A raw tunnel socket that authenticates, then drops its connection without a CLOSE frame.
    String session = broker.login("alice");
    Grant grant =
        Json.mapper()
            .readValue(
                broker.send(
                    "POST",
                    "/v1/grants",
                    "{\"target\":\"prod-db\",\"task\":\"RAW-1\",\"durationSeconds\":600}",
                    "application/json",
                    session),
                Grant.class);
    try (RawTunnel raw = new RawTunnel(broker.port(), broker.fingerprint())) {
      raw.magic();
      raw.frame(Json.mapper().writeValueAsBytes(broker.handshake(grant.token(), session)));
      assertThat(raw.reply().ok()).isTrue();
      Awaitility.await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> broker.server().tunnels().activeTunnels() == 1);
      // Gone without a word: no CLOSE frame, and a reset instead of TLS close_notify.
      raw.socket.setSoLinger(true, 0);
    }
    long closedAt = System.nanoTime();
    Awaitility.await()
        .atMost(Duration.ofSeconds(1))
        .until(() -> broker.server().tunnels().activeTunnels() == 0);
    assertThat(Duration.ofNanos(System.nanoTime() - closedAt)).isLessThan(Duration.ofSeconds(1));
    assertAudited("RAW-1", "client_disconnected");
  }

  // ---- helpers ------------------------------------------------------------------------------

  record Locked(Connection connection, int pid) {}

  /**
   * Logs in, starts {@code hoop connect} in its own JVM, and through it opens a transaction that
   * locks {@code accounts}; returns the upstream backend's pid.
   */
  private Locked connectAndLock(String task) throws Exception {
    login();
    int port = freePort();
    Path log = home.resolve("connect.log");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), Hoop.class.getName()));
    command.addAll(List.of("connect", "prod-db", "--task", task, "--port", String.valueOf(port)));
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().clear();
    builder.environment().putAll(env());
    child = builder.start();
    Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .failFast("hoop connect exited", () -> !child.isAlive())
        // Not by connecting: each connection to the port would open a tunnel of its own.
        .until(() -> readLog(log).contains("127.0.0.1:" + port));
    Connection c =
        DriverManager.getConnection(
            "jdbc:postgresql://127.0.0.1:" + port + "/app?user=hoop&sslmode=disable");
    c.setAutoCommit(false);
    int pid;
    try (Statement s = c.createStatement()) {
      s.execute("set lock_timeout = '5s'");
      s.execute("update accounts set balance = balance - 1 where id = 1");
      s.execute("lock table accounts in access exclusive mode");
      try (ResultSet rs = s.executeQuery("select pg_backend_pid()")) {
        rs.next();
        pid = rs.getInt(1);
      }
    }
    assertThat(state(pid)).isEqualTo("idle in transaction");
    assertThat(lockTakenElsewhere()).as("the lock is held through the tunnel").isFalse();
    return new Locked(c, pid);
  }

  private Duration awaitBackendGone(int pid, long since) {
    Awaitility.await()
        .atMost(DEAD_PEER.plusSeconds(5))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> !backendAlive(pid));
    return Duration.ofNanos(System.nanoTime() - since);
  }

  private boolean backendAlive(int pid) {
    return state(pid) != null;
  }

  private String state(int pid) {
    String out =
        pg.execSql("select coalesce(state, '-') from pg_stat_activity where pid = " + pid).strip();
    return out.isEmpty() ? null : out;
  }

  private void assertLockFree() throws SQLException {
    assertThat(lockTakenElsewhere()).as("another session takes the lock").isTrue();
    // And the dead client's half-done update was rolled back with its transaction.
    assertThat(pg.execSql("app", "select balance from accounts where id = 1").strip())
        .isEqualTo("100");
  }

  /** Whether a direct superuser session gets the same lock within a second. */
  private boolean lockTakenElsewhere() {
    try {
      pg.execSql(
          "app",
          "set lock_timeout = '1s'; begin; lock table accounts in access exclusive mode; commit;");
      return true;
    } catch (IllegalStateException e) {
      assertThat(e.getMessage()).contains("lock timeout");
      return false;
    }
  }

  private void assertClosedWith(String task, String reason) throws Exception {
    Awaitility.await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () -> {
              Run r = hoop("sessions", "list", "--task", task, "-o", "json");
              assertThat(r.code()).as("sessions stderr: %s", r.err()).isZero();
              JsonNode sessions = Json.mapper().readTree(r.out()).path("sessions");
              assertThat(sessions).hasSize(1);
              assertThat(sessions.get(0).path("closeReason").asText()).isEqualTo(reason);
            });
    assertAudited(task, reason);
  }

  private void assertAudited(String task, String reason) {
    List<AuditEvent> events =
        Awaitility.await()
            .atMost(Duration.ofSeconds(5))
            .until(
                () -> broker.server().audit().list(0, 1000, "alice", task),
                list -> list.stream().anyMatch(e -> e.type().equals("tunnel.close")));
    assertThat(events)
        .filteredOn(e -> e.type().equals("tunnel.close"))
        .singleElement()
        .satisfies(e -> assertThat(e.details()).containsEntry("reason", reason));
  }

  private void login() {
    Run r =
        hoop(
            new CodeApprover(broker, "alice", true),
            "login",
            "--broker",
            broker.url(),
            "--fingerprint",
            broker.fingerprint());
    assertThat(r.code()).as("login stderr: %s", r.err()).isZero();
  }

  private Map<String, String> env() {
    Map<String, String> env = new HashMap<>(System.getenv());
    env.put("HOOP_CONFIG_DIR", home.resolve("hoop").toString());
    env.remove("HOOP_PROFILE");
    env.keySet().removeIf(k -> k.startsWith("PG"));
    return env;
  }

  record Run(int code, String out, String err) {}

  private Run hoop(String... args) {
    return hoop(null, args);
  }

  private Run hoop(OutputStream errSink, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    OutputStream tee =
        errSink == null
            ? err
            : new OutputStream() {
              @Override
              public void write(int b) throws IOException {
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

  private static void signal(Process process, String signal) throws Exception {
    Process kill =
        new ProcessBuilder("sh", "-c", "kill -" + signal + " " + process.pid())
            .redirectErrorStream(true)
            .start();
    assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(kill.exitValue()).as("kill -%s", signal).isZero();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static String readLog(Path log) {
    try {
      return Files.exists(log) ? Files.readString(log) : "";
    } catch (IOException e) {
      return e.getMessage();
    }
  }
}
