package io.hoop.cli.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hoop.api.Grant;
import io.hoop.api.GrantStatus;
import io.hoop.cli.HoopException;
import io.hoop.tunnel.client.UnixSockets;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hints, environment and directory rules of {@code hoop connect --unix-socket}. */
class UnixSocketHintsTest {
  private static final java.nio.file.attribute.FileAttribute<?> PRIVATE =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));

  @TempDir Path tmp;

  private static Grant grant(String target, String type, String role) {
    Instant now = Instant.parse("2026-11-22T12:00:00Z");
    return new Grant(
        "g-1",
        target,
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
        List.of(),
        0,
        List.of());
  }

  private static final LocalEndpoint PG_SOCKET =
      LocalEndpoint.unixSocket(Path.of("/run/user/1000/hoop-abc123/.s.PGSQL.5432"), 5432);

  @Test
  void engineTargetsGetKeyValuePsqlAndAnEncodedUrl() {
    assertThat(ConnectionHints.lines(grant("prod-db", "postgres", "readonly"), PG_SOCKET, "app"))
        .containsExactly(
            "Connect to /run/user/1000/hoop-abc123/.s.PGSQL.5432",
            "  psql \"host=/run/user/1000/hoop-abc123 port=5432 user=hoop dbname=app"
                + " sslmode=disable\"",
            "  postgresql://hoop@%2Frun%2Fuser%2F1000%2Fhoop-abc123:5432/app?sslmode=disable",
            "  (the broker logs in to the database as role readonly; no password needed)");
  }

  @Test
  void rawPostgresRelaysKeepTheirShape() {
    assertThat(ConnectionHints.lines(grant("prod-db", "postgres", "readonly"), PG_SOCKET, null))
        .containsExactly(
            "Connect to /run/user/1000/hoop-abc123/.s.PGSQL.5432",
            "  psql \"host=/run/user/1000/hoop-abc123 port=5432 user=readonly\"",
            "  postgresql://%2Frun%2Fuser%2F1000%2Fhoop-abc123:5432/");
    assertThat(
            ConnectionHints.lines(
                grant("ssh-box", "tcp", null),
                LocalEndpoint.unixSocket(Path.of("/tmp/hoop-1-x/ssh-box.sock"), 0),
                null))
        .containsExactly("Connect to /tmp/hoop-1-x/ssh-box.sock");
  }

  @Test
  void oddDirectoriesAreQuotedForLibpq() {
    LocalEndpoint at = LocalEndpoint.unixSocket(Path.of("/tmp/it's here/.s.PGSQL.5432"), 5432);
    assertThat(ConnectionHints.psqlConnInfo(grant("db", "postgres", null), at))
        .isEqualTo("host='/tmp/it\\'s here' port=5432");
    assertThat(ConnectionHints.postgresUrl(at, "app"))
        .startsWith("postgresql://hoop@%2Ftmp%2Fit%27s%20here:5432/");
  }

  @Test
  void childEnvironmentNamesTheSocketAndNoTcpPort() {
    Map<String, String> env =
        ConnectionHints.environment(
            grant("prod-db", "postgres", "readonly"), PG_SOCKET, "app", Map.of());
    assertThat(env)
        .containsEntry("HOOP_SOCKET", "/run/user/1000/hoop-abc123/.s.PGSQL.5432")
        .containsEntry("PGHOST", "/run/user/1000/hoop-abc123")
        .containsEntry("PGPORT", "5432")
        .containsEntry("PGUSER", "hoop")
        .doesNotContainKeys("HOOP_HOST", "HOOP_PORT");
    Map<String, String> tcp =
        ConnectionHints.environment(
            grant("ssh-box", "tcp", null),
            LocalEndpoint.unixSocket(Path.of("/tmp/d/ssh-box.sock"), 0),
            null,
            Map.of());
    assertThat(tcp).containsOnlyKeys("HOOP_SOCKET", "HOOP_GRANT_ID", "HOOP_TARGET");
  }

  @Test
  void socketsAreNamedAsLibpqExpectsOrAfterTheTarget() {
    assertThat(SocketDirectory.fileName(grant("db", "postgres", null), 0))
        .isEqualTo(".s.PGSQL.5432");
    assertThat(SocketDirectory.fileName(grant("db", "postgres", null), 6543))
        .isEqualTo(".s.PGSQL.6543");
    assertThat(SocketDirectory.fileName(grant("web/../x", "tcp", null), 0))
        .isEqualTo("web_.._x.sock");
  }

  @Test
  void aFreshDirectoryIsPrivateAndRemovedOnClose() throws Exception {
    Path runtime =
        Files.createDirectory(
            tmp.resolve("run"),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    Path dir;
    try (SocketDirectory sd =
        SocketDirectory.open(
            null,
            grant("db", "postgres", null),
            0,
            Map.of("XDG_RUNTIME_DIR", runtime.toString()))) {
      dir = sd.directory();
      assertThat(sd.created()).isTrue();
      assertThat(dir.getParent()).isEqualTo(runtime);
      assertThat(dir.getFileName().toString()).matches("hoop-[a-z0-9]{6}");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)))
          .isEqualTo("rwx------");
      assertThat(sd.socket()).isEqualTo(dir.resolve(".s.PGSQL.5432"));
      assertThat(sd.endpoint()).isEqualTo(LocalEndpoint.unixSocket(sd.socket(), 5432));
    }
    assertThat(dir).doesNotExist();
    assertThat(runtime).isDirectory();

    // A runtime directory others may write to is not used: the temp directory is.
    Files.setPosixFilePermissions(runtime, PosixFilePermissions.fromString("rwxrwxrwx"));
    try (SocketDirectory sd =
        SocketDirectory.open(
            null, grant("db", "tcp", null), 0, Map.of("XDG_RUNTIME_DIR", runtime.toString()))) {
      assertThat(sd.directory().getParent()).isNotEqualTo(runtime);
      assertThat(sd.directory().getFileName().toString())
          .matches("hoop-" + UnixSockets.processUid() + "-[a-z0-9]{6}");
      assertThat(sd.socket().getFileName()).hasToString("db.sock");
      assertThat(sd.endpoint().port()).isZero();
    }
  }

  @Test
  void givenDirectoriesMustExistBeClosedAndShortEnough() throws Exception {
    assertThatThrownBy(() -> SocketDirectory.checkGiven(tmp.resolve("missing")))
        .isInstanceOf(HoopException.Usage.class)
        .hasMessageContaining("is not an existing directory")
        .hasMessageContaining("mkdir -m 700");
    Path open = Files.createDirectory(tmp.resolve("open"));
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwx---"));
    assertThatThrownBy(() -> SocketDirectory.checkGiven(open))
        .isInstanceOf(HoopException.Usage.class)
        .hasMessageContaining("is open to others (mode rwxrwx---)")
        .hasMessageContaining("chmod 700");
    // Readable and searchable is enough to connect in the moment before the socket's chmod.
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxr-xr-x"));
    assertThatThrownBy(() -> SocketDirectory.checkGiven(open))
        .isInstanceOf(HoopException.Usage.class)
        .hasMessageContaining("is open to others (mode rwxr-xr-x)");
    Path comma = Files.createDirectory(tmp.resolve("a,b"), PRIVATE);
    assertThatThrownBy(() -> SocketDirectory.checkGiven(comma))
        .isInstanceOf(HoopException.Usage.class)
        .hasMessageContaining("contains a comma");
    Path shared = Files.createDirectory(tmp.resolve("shared"));
    Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
    Path underShared = Files.createDirectory(shared.resolve("mine"), PRIVATE);
    assertThatThrownBy(() -> SocketDirectory.checkGiven(underShared))
        .isInstanceOf(HoopException.Usage.class)
        .hasMessageContaining("lies under " + shared.toRealPath())
        .hasMessageContaining("without the sticky bit");
    Path real = Files.createDirectory(tmp.resolve("real"), PRIVATE);
    Path link = Files.createSymbolicLink(tmp.resolve("link"), real);
    assertThat(SocketDirectory.checkGiven(link)).isEqualTo(real.toRealPath());

    Path deep = tmp;
    while (UnixSockets.pathBytes(deep) <= UnixSockets.MAX_PATH_BYTES) {
      deep = deep.resolve("deeper-and-deeper");
    }
    Path tooDeep = Files.createDirectories(deep);
    Files.setPosixFilePermissions(tooDeep, PosixFilePermissions.fromString("rwx------"));
    assertThatThrownBy(
            () -> SocketDirectory.open(tooDeep, grant("db", "postgres", null), 0, Map.of()))
        .isInstanceOf(HoopException.Usage.class)
        .hasMessageContaining("unix socket path " + tooDeep.resolve(".s.PGSQL.5432"))
        .hasMessageContaining("longer than the 107 bytes")
        .hasMessageContaining("--socket-dir");

    Path mine = Files.createDirectory(tmp.resolve("mine"));
    Files.setPosixFilePermissions(mine, PosixFilePermissions.fromString("rwx------"));
    Path socket;
    try (SocketDirectory sd =
        SocketDirectory.open(mine, grant("db", "postgres", null), 0, Map.of())) {
      assertThat(sd.created()).isFalse();
      socket = sd.socket();
      Files.writeString(socket, "stands in for the socket");
      sd.bound();
    }
    assertThat(socket).doesNotExist();
    assertThat(mine).isDirectory();
  }

  @Test
  void aSocketThisProcessNeverBoundIsLeftToItsOwner() throws Exception {
    Path mine = Files.createDirectory(tmp.resolve("mine"), PRIVATE);
    Path other = mine.resolve(".s.PGSQL.5432");
    // Stands for another hoop connect's live socket: a failed second run must not remove it.
    Files.createFile(other);
    try (SocketDirectory sd =
        SocketDirectory.open(mine, grant("db", "postgres", null), 0, Map.of())) {
      assertThat(sd.socket()).isEqualTo(other);
    }
    assertThat(other).exists();
    try (SocketDirectory sd =
        SocketDirectory.open(mine, grant("db", "postgres", null), 0, Map.of())) {
      sd.bound();
    }
    assertThat(other).doesNotExist();
    assertThat(mine).isDirectory();
  }

  @Test
  void thePrintedPsqlLineSurvivesTheShell() throws Exception {
    assertThat(ConnectionHints.shellArgument("host=/tmp/hoop-x port=5432 dbname=app"))
        .isEqualTo("\"host=/tmp/hoop-x port=5432 dbname=app\"");
    assertThat(ConnectionHints.shellArgument("host='/tmp/a$HOME' dbname=app"))
        .isEqualTo("'host='\\''/tmp/a$HOME'\\'' dbname=app'");
    assertThat(ConnectionHints.shellArgument("dbname='x\\\\y'")).startsWith("'dbname=");
    assertThat(ConnectionHints.shellArgument("a`b`")).isEqualTo("'a`b`'");
    assertThat(ConnectionHints.shellArgument("say \"hi\"")).isEqualTo("'say \"hi\"'");
    // What a real shell makes of it is what libpq must get.
    for (String value :
        List.of(
            "host=/tmp/hoop-x port=5432 dbname=app",
            "host='/tmp/a$HOME' dbname='it''s'",
            "dbname='x\\\\y' host=/tmp/`id`",
            "say \"hi\" !1")) {
      assertThat(shell("printf %s " + ConnectionHints.shellArgument(value))).isEqualTo(value);
    }
  }

  private static String shell(String script) throws Exception {
    Process p = new ProcessBuilder("sh", "-c", script).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(out).isZero();
    return out;
  }
}
