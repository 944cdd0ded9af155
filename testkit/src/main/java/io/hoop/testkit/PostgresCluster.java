package io.hoop.testkit;

import static java.util.Objects.requireNonNull;

import io.hoop.testkit.internal.PostgresBinaries;
import io.hoop.testkit.internal.Processes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * A throw-away PostgreSQL server on 127.0.0.1 and a free port, in its own temporary directory,
 * removed again by {@link #close()}.
 *
 * <p>Superuser statements ({@link #execSql}) go through the Unix socket, which trusts the local
 * user; TCP clients authenticate as {@link HostAuth} says.
 */
public final class PostgresCluster implements AutoCloseable {

  /** How clients connecting over TCP authenticate. */
  public enum HostAuth {
    /** Any password is accepted: for tests that do not care about credentials. */
    TRUST("trust"),
    /** Passwords are checked with SCRAM-SHA-256, PostgreSQL's default since version 14. */
    SCRAM_SHA_256("scram-sha-256"),
    /** Passwords are checked with the legacy MD5 challenge. */
    MD5("md5");

    private final String method;

    HostAuth(String method) {
      this.method = method;
    }
  }

  /** The superuser created by initdb. */
  public static final String SUPERUSER = "postgres";

  private static final String HOST = "127.0.0.1";
  private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(2);
  private static final int START_ATTEMPTS = 3;
  private static final int LOG_TAIL_LINES = 40;

  private final PostgresBinaries binaries;
  private final Path baseDir;
  private final Path dataDir;
  private final Path logFile;
  private final int port;
  private final boolean asPostgresUser;
  private boolean closed;

  private PostgresCluster(
      PostgresBinaries binaries, Path baseDir, int port, boolean asPostgresUser) {
    this.binaries = binaries;
    this.baseDir = baseDir;
    this.dataDir = baseDir.resolve("data");
    this.logFile = baseDir.resolve("postgres.log");
    this.port = port;
    this.asPostgresUser = asPostgresUser;
  }

  /** Starts a cluster whose TCP clients are trusted without a password check. */
  public static PostgresCluster start() {
    return start(HostAuth.TRUST);
  }

  /**
   * Initialises and starts a new cluster.
   *
   * @throws IllegalStateException when PostgreSQL is not installed (naming the package) or does not
   *     start (with the tail of the server log)
   */
  public static PostgresCluster start(HostAuth hostAuth) {
    requireNonNull(hostAuth, "hostAuth");
    PostgresBinaries binaries = PostgresBinaries.locate();
    // initdb and postgres refuse to run as root, so root hands the cluster to the postgres user.
    boolean asPostgresUser = isRoot();
    Path baseDir = createBaseDir(asPostgresUser);
    PostgresCluster cluster = null;
    try {
      cluster = new PostgresCluster(binaries, baseDir, 0, asPostgresUser);
      cluster.initdb(hostAuth);
      for (int attempt = 1; ; attempt++) {
        PostgresCluster candidate =
            new PostgresCluster(binaries, baseDir, freePort(), asPostgresUser);
        cluster = candidate;
        Processes.Result result = candidate.pgCtlStart();
        if (result.exitCode() == 0) {
          return candidate;
        }
        String log = candidate.logTail();
        // Another process may take the port between our probe and the server's bind: try again.
        if (attempt < START_ATTEMPTS && log.contains("could not bind")) {
          continue;
        }
        throw new IllegalStateException(
            "PostgreSQL did not start on "
                + HOST
                + ":"
                + candidate.port
                + " (pg_ctl exit code "
                + result.exitCode()
                + "): "
                + result.output()
                + "\n--- server log tail ("
                + candidate.logFile
                + ") ---\n"
                + log);
      }
    } catch (RuntimeException e) {
      if (cluster != null) {
        // pg_ctl can give up waiting while the server still runs; stop it before removing its
        // files.
        cluster.run(
            List.of(
                binaries.pgCtl().toString(),
                "stop",
                "-m",
                "immediate",
                "-D",
                cluster.dataDir.toString()),
            "");
        cluster.deleteBaseDir();
      }
      throw e;
    }
  }

  /** The address the server listens on, always {@code 127.0.0.1}. */
  public String host() {
    return HOST;
  }

  /** The TCP port the server listens on. */
  public int port() {
    return port;
  }

  /** A JDBC URL for {@code database} over TCP, without credentials. */
  public String jdbcUrl(String database) {
    requireNonNull(database, "database");
    return "jdbc:postgresql://" + HOST + ":" + port + "/" + database;
  }

  /**
   * The psql command line that connects as the superuser to database {@code postgres} (program path
   * first, ready for more arguments such as {@code -c}). It goes through the Unix socket, which is
   * trusted whatever the {@link HostAuth}.
   */
  public List<String> psqlArgs() {
    return List.of(
        binaries.psql().toString(),
        "-X",
        "-h",
        baseDir.toString(),
        "-p",
        Integer.toString(port),
        "-U",
        SUPERUSER,
        "-d",
        "postgres");
  }

  /** Runs {@code sql} as the superuser in database {@code postgres} and returns psql's output. */
  public String execSql(String sql) {
    return execSql("postgres", sql);
  }

  /**
   * Runs {@code sql} as the superuser in {@code database}, stopping at the first error, and returns
   * the unaligned, tuples-only output.
   *
   * @throws IllegalStateException with psql's error output when a statement fails
   */
  public String execSql(String database, String sql) {
    requireNonNull(sql, "sql");
    return runSql(database, sql, sql);
  }

  /** Creates a login role with {@code password}, which never appears in errors or process lists. */
  public void createRole(String name, String password) {
    requireNonNull(name, "name");
    requireNonNull(password, "password");
    runSql(
        "postgres",
        "CREATE ROLE " + quoteIdentifier(name) + " LOGIN PASSWORD " + quoteLiteral(password),
        "CREATE ROLE " + quoteIdentifier(name) + " LOGIN PASSWORD <redacted>");
  }

  /**
   * Another program of the same PostgreSQL installation, e.g. {@code pgbench}.
   *
   * @throws IllegalStateException when the installation does not have it
   */
  public Path program(String name) {
    requireNonNull(name, "name");
    Path p = binaries.psql().toAbsolutePath().getParent().resolve(name);
    if (!java.nio.file.Files.isExecutable(p)) {
      p = binaries.initdb().toAbsolutePath().getParent().resolve(name);
    }
    if (!java.nio.file.Files.isExecutable(p)) {
      throw new IllegalStateException(
          name + " not found next to " + binaries.psql() + " or " + binaries.initdb());
    }
    return p;
  }

  /** The temporary directory holding the data directory, the socket and the server log. */
  public Path directory() {
    return baseDir;
  }

  /**
   * Stops the server (fast shutdown: sessions are cut) but keeps its files, so {@link #restart}
   * brings it back on the same port: an outage of the store, not its loss.
   *
   * @throws IllegalStateException when it does not stop
   */
  public synchronized void stop() {
    Processes.Result result =
        run(
            List.of(
                binaries.pgCtl().toString(), "stop", "-m", "fast", "-w", "-D", dataDir.toString()),
            "");
    if (result.exitCode() != 0 && isRunning()) {
      throw new IllegalStateException(
          "PostgreSQL on port " + port + " did not stop: " + result.output());
    }
  }

  /**
   * Starts a server stopped by {@link #stop} again, on the same port.
   *
   * @throws IllegalStateException when it does not start (with the tail of the server log)
   */
  public synchronized void restart() {
    if (closed) {
      throw new IllegalStateException("PostgreSQL on port " + port + " was closed, not stopped");
    }
    Processes.Result result = pgCtlStart();
    if (result.exitCode() != 0) {
      throw new IllegalStateException(
          "PostgreSQL did not restart on port " + port + ": " + result.output() + "\n" + logTail());
    }
  }

  /** Stops the server (fast shutdown: sessions are cut) and deletes its directory; idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      Processes.Result result =
          run(
              List.of(
                  binaries.pgCtl().toString(),
                  "stop",
                  "-m",
                  "fast",
                  "-w",
                  "-D",
                  dataDir.toString()),
              "");
      if (result.exitCode() != 0 && isRunning()) {
        throw new IllegalStateException(
            "PostgreSQL on port " + port + " did not stop: " + result.output());
      }
    } finally {
      deleteBaseDir();
    }
  }

  @Override
  public String toString() {
    return "PostgresCluster[" + HOST + ":" + port + ", " + baseDir + "]";
  }

  private void initdb(HostAuth hostAuth) {
    Processes.Result result =
        run(
            List.of(
                binaries.initdb().toString(),
                "-D",
                dataDir.toString(),
                "-U",
                SUPERUSER,
                "-E",
                "UTF8",
                // The C locale exists everywhere; an unset or uninstalled LANG makes initdb fail.
                "--locale=C",
                "--auth-local=trust",
                "--auth-host=" + hostAuth.method,
                "--no-sync"),
            "");
    if (result.exitCode() != 0) {
      throw new IllegalStateException(
          "initdb failed with exit code "
              + result.exitCode()
              + " for "
              + dataDir
              + ": "
              + result.output());
    }
  }

  private Processes.Result pgCtlStart() {
    String serverOptions =
        String.join(
            " ",
            "-c listen_addresses=" + HOST,
            "-p " + port,
            "-k " + baseDir,
            "-c fsync=off",
            "-c synchronous_commit=off",
            "-c full_page_writes=off");
    return run(
        List.of(
            binaries.pgCtl().toString(),
            "-w",
            "-t",
            "60",
            "-D",
            dataDir.toString(),
            "-l",
            logFile.toString(),
            "-o",
            serverOptions,
            "start"),
        "");
  }

  private boolean isRunning() {
    return run(List.of(binaries.pgCtl().toString(), "status", "-D", dataDir.toString()), "")
            .exitCode()
        == 0;
  }

  // The SQL travels on stdin so that passwords stay out of the process list.
  private String runSql(String database, String sql, String description) {
    requireNonNull(database, "database");
    List<String> command = new ArrayList<>();
    command.add(binaries.psql().toString());
    command.addAll(
        List.of(
            "-X",
            "-v",
            "ON_ERROR_STOP=1",
            "-qAt",
            "-h",
            baseDir.toString(),
            "-p",
            Integer.toString(port),
            "-U",
            SUPERUSER,
            "-d",
            database,
            "-f",
            "-"));
    Processes.Result result = Processes.run(command, baseDir, sql, COMMAND_TIMEOUT);
    if (result.exitCode() != 0) {
      throw new IllegalStateException(
          "psql failed with exit code "
              + result.exitCode()
              + " running `"
              + description
              + "` in database "
              + database
              + ": "
              + result.stderr().strip());
    }
    return result.stdout();
  }

  private Processes.Result run(List<String> command, String stdin) {
    List<String> full = new ArrayList<>();
    if (asPostgresUser) {
      full.addAll(List.of("runuser", "-u", SUPERUSER, "--"));
    }
    full.addAll(command);
    return Processes.run(full, baseDir, stdin, COMMAND_TIMEOUT);
  }

  private String logTail() {
    if (!Files.exists(logFile)) {
      return "(no server log was written)";
    }
    try {
      List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
      return String.join(
          "\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
    } catch (IOException e) {
      return "(cannot read " + logFile + ": " + e.getMessage() + ")";
    }
  }

  private void deleteBaseDir() {
    if (!Files.exists(baseDir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(baseDir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + baseDir, e);
    }
  }

  private static Path createBaseDir(boolean asPostgresUser) {
    try {
      // Under /tmp (mode 1777) rather than java.io.tmpdir: the postgres user must reach it, and a
      // short path keeps the Unix socket name under its 107-byte limit.
      Path dir =
          Files.createDirectory(
              Path.of("/tmp", "hoop-pg-" + HexFormat.of().formatHex(randomBytes())),
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
      if (asPostgresUser) {
        UserPrincipal postgres;
        try {
          postgres =
              dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(SUPERUSER);
        } catch (IOException e) {
          Files.delete(dir);
          throw new IllegalStateException(
              "running as root needs a `postgres` system user to own the cluster, but "
                  + SUPERUSER
                  + " does not exist; install PostgreSQL with `apt-get install postgresql`",
              e);
        }
        Files.setOwner(dir, postgres);
      }
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a directory for PostgreSQL under /tmp", e);
    }
  }

  private static byte[] randomBytes() {
    byte[] bytes = new byte[6];
    new SecureRandom().nextBytes(bytes);
    return bytes;
  }

  private static boolean isRoot() {
    try {
      // /proc/self belongs to the effective user of this process.
      return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
    } catch (IOException | UnsupportedOperationException e) {
      return "root".equals(System.getProperty("user.name"));
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot find a free port on " + HOST, e);
    }
  }

  private static String quoteIdentifier(String name) {
    return "\"" + name.replace("\"", "\"\"") + "\"";
  }

  private static String quoteLiteral(String value) {
    return "'" + value.replace("'", "''") + "'";
  }
}
