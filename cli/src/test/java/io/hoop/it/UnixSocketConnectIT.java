package io.hoop.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.hoop.api.Json;
import io.hoop.cli.connect.RevocationWatch;
import io.hoop.it.HoopCli.Run;
import io.hoop.testkit.BrokerFixture;
import io.hoop.testkit.PostgresCluster;
import io.hoop.testkit.PostgresTarget;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hoop connect --unix-socket} with the real broker, the postgres engine, a real PostgreSQL
 * and real psql: the tunnel is a private socket named as libpq expects, psql reaches it with the
 * printed host and port or through PGHOST, and hoop removes what it made when it exits.
 */
class UnixSocketConnectIT {
  private static final String RO_PASSWORD = "ro-Pa55-unix-socket";
  private static final Pattern CONNECT_TO = Pattern.compile("Connect to (/\\S+)\\n");
  private static final Pattern PSQL_LINE = Pattern.compile("  psql \"(host=[^\"]+)\"\\n");
  private static final Pattern URL_LINE = Pattern.compile("  (postgresql://\\S+)\\n");

  static PostgresCluster pg;
  static BrokerFixture broker;
  static Path secrets;
  @TempDir static Path home;

  @BeforeAll
  static void start() throws Exception {
    secrets = Files.createTempDirectory("hoop-us-secrets-");
    pg = PostgresCluster.start(PostgresCluster.HostAuth.SCRAM_SHA_256);
    pg.createRole("app_ro", RO_PASSWORD);
    pg.execSql("create database app");
    String target =
        PostgresTarget.named("prod-db", pg.port(), secrets)
            .database("app")
            .role("readonly", "app_ro", RO_PASSWORD)
            .defaultRole("readonly")
            .yaml();
    broker =
        BrokerFixture.start(
            """
            devIdp:
              pollInterval: 1s
            targets:
            %s    reviewers: [reviewers]
            entitlements:
              - group: engineering
                targets: [prod-db]
                maxDuration: 1h
                reviewedBy: bob
                reviewedAt: 2026-01-01T00:00:00Z
                reviewExpiresAt: 2099-01-01T00:00:00Z
            """
                .formatted(target));
    login("alice");
    login("bob");
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

  private static Map<String, String> env(String user) {
    Map<String, String> env = HoopCli.env(home.resolve(user));
    env.keySet().removeIf(k -> k.startsWith("PG") || k.equals("XDG_RUNTIME_DIR"));
    return env;
  }

  private static void login(String user) {
    Run r =
        HoopCli.run(
            env(user),
            new CodeApprover(broker, user, true),
            "login",
            "--broker",
            broker.url(),
            "--fingerprint",
            broker.fingerprint());
    assertThat(r.code()).as("login %s: %s", user, r.err()).isZero();
  }

  private static String psql() {
    return pg.psqlArgs().get(0);
  }

  /** Runs real psql with {@code args}, returning its stdout; fails on a non-zero exit. */
  private static String runPsql(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(psql(), "-X", "-v", "ON_ERROR_STOP=1", "-At"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().keySet().removeIf(k -> k.startsWith("PG"));
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("psql %s: %s", cmd, out).isZero();
    return out;
  }

  private static String mode(Path p) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }

  @Test
  void wrappedPsqlReachesTheEngineThroughThePrivateSocket() throws Exception {
    Path out = home.resolve("wrapped.txt");
    Run r =
        HoopCli.run(
            env("alice"),
            null,
            "connect",
            "prod-db",
            "--task",
            "US-1",
            "--unix-socket",
            "--",
            psql(),
            "-X",
            "-v",
            "ON_ERROR_STOP=1",
            "-At",
            "-o",
            out.toString(),
            "-c",
            "select current_user, 1");
    assertThat(r.code()).as("connect stderr: %s", r.err()).isZero();
    assertThat(Files.readString(out)).isEqualTo("app_ro|1\n");
    Matcher socket = CONNECT_TO.matcher(r.err());
    assertThat(socket.find()).as(r.err()).isTrue();
    Path file = Path.of(socket.group(1));
    assertThat(file.getFileName()).hasToString(".s.PGSQL.5432");
    // No XDG_RUNTIME_DIR: a fresh directory in the temp directory, gone with the tunnel.
    assertThat(file.getParent().getParent())
        .isEqualTo(Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath().normalize());
    assertThat(file.getParent().getFileName().toString()).matches("hoop-\\d+-[a-z0-9]{6}");
    assertThat(file).doesNotExist();
    assertThat(file.getParent()).doesNotExist();
    assertThat(r.out() + r.err()).doesNotContain(RO_PASSWORD);

    Path envFile = home.resolve("env.txt");
    // As inside an outer `hoop connect -- sh`: its tunnel's variables must not reach this child.
    Map<String, String> outer = env("alice");
    outer.put("HOOP_HOST", "127.0.0.1");
    outer.put("HOOP_PORT", "15432");
    Run sh =
        HoopCli.run(
            outer,
            null,
            "connect",
            "prod-db",
            "--task",
            "US-1",
            "--unix-socket",
            "--port",
            "6543",
            "--",
            "sh",
            "-c",
            "env | grep -E '^(PG|HOOP_)' | sort > '%s'; test -S \"$HOOP_SOCKET\""
                .formatted(envFile));
    assertThat(sh.code()).as("connect stderr: %s", sh.err()).isZero();
    List<String> env = Files.readAllLines(envFile);
    String dir =
        env.stream()
            .filter(l -> l.startsWith("PGHOST="))
            .findFirst()
            .orElseThrow()
            .substring("PGHOST=".length());
    assertThat(env)
        .contains(
            "PGPORT=6543",
            "PGUSER=hoop",
            "PGDATABASE=app",
            "PGSSLMODE=disable",
            "HOOP_SOCKET=" + dir + "/.s.PGSQL.6543")
        .noneMatch(l -> l.startsWith("HOOP_HOST=") || l.startsWith("HOOP_PORT="));
    assertThat(Path.of(dir)).doesNotExist();
  }

  @Test
  void backgroundConnectPrintsTheSocketPsqlUsesItAndRevocationRemovesIt() throws Exception {
    Path runtime =
        Files.createTempDirectory(
            Path.of("/tmp"),
            "xdg",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    try {
      Map<String, String> env = env("alice");
      env.put("XDG_RUNTIME_DIR", runtime.toString());
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      CompletableFuture<Run> running =
          CompletableFuture.supplyAsync(
              () ->
                  HoopCli.run(
                      env,
                      err,
                      "connect",
                      "prod-db",
                      "--task",
                      "US-2",
                      "--unix-socket",
                      "-o",
                      "json"));
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  err.toString(StandardCharsets.UTF_8).contains("Tunnel open") || running.isDone());
      String printed = err.toString(StandardCharsets.UTF_8);
      Matcher connectTo = CONNECT_TO.matcher(printed);
      assertThat(connectTo.find()).as(printed).isTrue();
      Path socket = Path.of(connectTo.group(1));
      Path dir = socket.getParent();
      assertThat(dir.getParent()).isEqualTo(runtime);
      assertThat(mode(dir)).isEqualTo("rwx------");
      assertThat(mode(socket)).isEqualTo("rw-------");

      Matcher psqlLine = PSQL_LINE.matcher(printed);
      assertThat(psqlLine.find()).as(printed).isTrue();
      assertThat(psqlLine.group(1))
          .isEqualTo("host=" + dir + " port=5432 user=hoop dbname=app sslmode=disable");
      assertThat(runPsql(psqlLine.group(1), "-c", "select current_user")).isEqualTo("app_ro\n");
      Matcher url = URL_LINE.matcher(printed);
      assertThat(url.find()).as(printed).isTrue();
      assertThat(url.group(1)).startsWith("postgresql://hoop@%2Ftmp%2F");
      assertThat(runPsql(url.group(1), "-c", "select 40 + 2")).isEqualTo("42\n");

      String grantId = printed.replaceAll("(?s).*Grant (\\S+) for prod-db.*", "$1");
      Run revoke = HoopCli.run(env("bob"), null, "revoke", grantId, "--reason", "done");
      assertThat(revoke.code()).as(revoke.err()).isZero();
      Run done = running.get(RevocationWatch.INTERVAL.toSeconds() + 20, TimeUnit.SECONDS);
      assertThat(done.code()).as(done.err()).isEqualTo(5);
      assertThat(socket).doesNotExist();
      assertThat(dir).doesNotExist();
      assertThat(runtime).isDirectory();

      JsonNode ready = Json.mapper().readTree(done.out().lines().findFirst().orElseThrow());
      assertThat(ready.path("socket").asText()).isEqualTo(socket.toString());
      assertThat(ready.path("host").asText()).isEqualTo(dir.toString());
      assertThat(ready.path("port").asInt()).isEqualTo(5432);
      assertThat(ready.path("grant").path("id").asText()).isEqualTo(grantId);
    } finally {
      Files.deleteIfExists(runtime);
    }
  }

  @Test
  void aGivenDirectoryIsCheckedBeforeAnyGrantAndKeptAfterwards() throws Exception {
    Path open =
        Files.createTempDirectory(
            Path.of("/tmp"),
            "open",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxrwxrwx")));
    Path mine =
        Files.createTempDirectory(
            Path.of("/tmp"),
            "mine",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    try {
      Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
      Run refused =
          HoopCli.run(
              env("alice"),
              null,
              "connect",
              "prod-db",
              "--task",
              "US-3",
              "--unix-socket",
              "--socket-dir",
              open.toString(),
              "--",
              "true");
      assertThat(refused.code()).isEqualTo(2);
      assertThat(refused.err()).contains(open.toString()).contains("is open to others");
      assertThat(refused.err()).doesNotContain("Grant ");

      Run withoutFlag =
          HoopCli.run(
              env("alice"),
              null,
              "connect",
              "prod-db",
              "--task",
              "US-3",
              "--socket-dir",
              mine.toString());
      assertThat(withoutFlag.code()).isEqualTo(2);
      assertThat(withoutFlag.err()).contains("needs --unix-socket");

      Run kept =
          HoopCli.run(
              env("alice"),
              null,
              "connect",
              "prod-db",
              "--task",
              "US-3",
              "--unix-socket",
              "--socket-dir",
              mine.toString(),
              "--",
              "sh",
              "-c",
              "test -S '%s/.s.PGSQL.5432' && test \"$PGHOST\" = '%s'".formatted(mine, mine));
      assertThat(kept.code()).as(kept.err()).isZero();
      assertThat(kept.err()).contains("Connect to " + mine + "/.s.PGSQL.5432");
      assertThat(mine).isDirectory().isEmptyDirectory();
    } finally {
      Files.deleteIfExists(open);
      Files.deleteIfExists(mine);
    }
  }
}
