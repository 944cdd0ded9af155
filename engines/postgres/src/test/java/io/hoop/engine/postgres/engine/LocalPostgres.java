package io.hoop.engine.postgres.engine;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A throw-away PostgreSQL cluster on 127.0.0.1 and a free port whose TCP clients must log in with
 * SCRAM-SHA-256 (the testkit's PostgresCluster sits in a module built after this one). Fails, never
 * skips, when PostgreSQL is not installed.
 */
final class LocalPostgres implements AutoCloseable {
  private static final Duration TIMEOUT = Duration.ofMinutes(2);

  private final Path bin;
  private final Path baseDir;
  private final boolean asPostgres;
  private int port;

  private LocalPostgres(Path bin, Path baseDir, boolean asPostgres) {
    this.bin = bin;
    this.baseDir = baseDir;
    this.asPostgres = asPostgres;
  }

  static LocalPostgres start() throws IOException {
    return start(null, null, "");
  }

  /**
   * A cluster with {@code ssl=on} using {@code certPem}/{@code keyPem} (when not null) and {@code
   * hbaFirst} lines put before initdb's pg_hba.conf rules.
   */
  static LocalPostgres start(Path certPem, Path keyPem, String hbaFirst) throws IOException {
    Path initdb =
        onPath("initdb")
            .or(LocalPostgres::debianInitdb)
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "initdb not found on PATH nor in /usr/lib/postgresql/*/bin: install"
                            + " PostgreSQL with `apt-get install postgresql`"));
    Path bin = initdb.toRealPath().getParent();
    boolean root = "root".equals(System.getProperty("user.name"));
    // Under /tmp so that the postgres user can reach it and the socket path stays short.
    Path dir =
        Files.createDirectory(
            Path.of("/tmp", "hoop-pge-" + UUID.randomUUID().toString().substring(0, 8)),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    if (root) {
      Files.setOwner(
          dir,
          dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres"));
    }
    LocalPostgres pg = new LocalPostgres(bin, dir, root);
    try {
      check(
          pg.server(
              "initdb",
              "-D",
              dir.resolve("data").toString(),
              "-U",
              "postgres",
              "-E",
              "UTF8",
              "--locale=C",
              "--auth-local=trust",
              "--auth-host=scram-sha-256",
              "--no-sync"));
      String options = "";
      if (certPem != null) {
        Path cert = dir.resolve("server.crt");
        Path key = dir.resolve("server.key");
        Files.copy(certPem, cert);
        Files.copy(keyPem, key);
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        if (root) {
          for (Path file : List.of(cert, key)) {
            Files.setOwner(
                file,
                file.getFileSystem()
                    .getUserPrincipalLookupService()
                    .lookupPrincipalByName("postgres"));
          }
        }
        options = " -c ssl=on -c ssl_cert_file=" + cert + " -c ssl_key_file=" + key;
      }
      if (!hbaFirst.isEmpty()) {
        Path hba = dir.resolve("data/pg_hba.conf");
        Files.writeString(hba, hbaFirst + "\n" + Files.readString(hba));
      }
      pg.port = freePort();
      check(
          pg.server(
              "pg_ctl",
              "-w",
              "-t",
              "60",
              "-D",
              dir.resolve("data").toString(),
              "-l",
              dir.resolve("log").toString(),
              "-o",
              "-c listen_addresses=127.0.0.1 -p "
                  + pg.port
                  + " -k "
                  + dir
                  + " -c fsync=off"
                  + options,
              "start"));
      return pg;
    } catch (IOException | RuntimeException e) {
      pg.close();
      throw e;
    }
  }

  InetSocketAddress address() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
  }

  Path psql() {
    return Files.isExecutable(bin.resolve("psql"))
        ? bin.resolve("psql")
        : onPath("psql").orElseThrow(() -> new IllegalStateException("psql not found"));
  }

  /** Runs {@code sql} as the superuser over the Unix socket, stopping at the first error. */
  String superuser(String sql) {
    Processes.Result result =
        check(
            client(
                sql,
                psql().toString(),
                "-X",
                "-qAt",
                "-v",
                "ON_ERROR_STOP=1",
                "-h",
                baseDir.toString(),
                "-p",
                Integer.toString(port),
                "-U",
                "postgres",
                "-d",
                "postgres",
                "-f",
                "-"));
    return result.stdout().strip();
  }

  @Override
  public void close() {
    if (Files.exists(baseDir.resolve("data/postmaster.pid"))) {
      server("pg_ctl", "stop", "-m", "immediate", "-D", baseDir.resolve("data").toString());
    }
    try (Stream<Path> paths = Files.walk(baseDir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + baseDir, e);
    }
  }

  private Processes.Result server(String program, String... args) {
    List<String> command = new ArrayList<>();
    command.add(bin.resolve(program).toString());
    command.addAll(List.of(args));
    return run(command, "");
  }

  private Processes.Result client(String stdin, String program, String... args) {
    List<String> command = new ArrayList<>();
    command.add(program);
    command.addAll(List.of(args));
    return run(command, stdin);
  }

  private Processes.Result run(List<String> command, String stdin) {
    List<String> full = new ArrayList<>();
    if (asPostgres) {
      // initdb and postgres refuse to run as root.
      full.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    full.addAll(command);
    return Processes.run(full, baseDir, stdin, TIMEOUT);
  }

  private static Processes.Result check(Processes.Result result) {
    if (result.exitCode() != 0) {
      throw new IllegalStateException("PostgreSQL command failed: " + result);
    }
    return result;
  }

  private static Optional<Path> onPath(String program) {
    return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        .filter(dir -> !dir.isEmpty())
        .map(dir -> Path.of(dir, program))
        .filter(Files::isExecutable)
        .findFirst();
  }

  private static Optional<Path> debianInitdb() {
    Path root = Path.of("/usr/lib/postgresql");
    if (!Files.isDirectory(root)) {
      return Optional.empty();
    }
    try (Stream<Path> versions = Files.list(root)) {
      return versions
          .map(v -> v.resolve("bin/initdb"))
          .filter(Files::isExecutable)
          .max(Comparator.naturalOrder());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
