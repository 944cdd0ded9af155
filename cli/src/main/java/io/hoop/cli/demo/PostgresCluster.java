package io.hoop.cli.demo;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A throw-away PostgreSQL cluster in a temp directory on a free 127.0.0.1 port: TCP logins need a
 * SCRAM password (as a real database would), only its own Unix socket is trusted, for setup. As
 * root, the server runs as the {@code postgres} user (it refuses to run as root).
 */
final class PostgresCluster implements AutoCloseable {
  private final Path binDir;
  private final Path workDir;
  private final Path dataDir;
  private final Path log;
  private final boolean asPostgresUser;
  private final int port;
  private boolean running;

  private PostgresCluster(Path binDir, Path dataDir, Path log, boolean asPostgresUser, int port) {
    this.binDir = binDir;
    this.workDir = dataDir.getParent();
    this.dataDir = dataDir;
    this.log = log;
    this.asPostgresUser = asPostgresUser;
    this.port = port;
  }

  /** initdb + pg_ctl start; {@code workDir} must be empty-ish and writable. */
  static PostgresCluster start(Path initdb, Path workDir) throws IOException {
    boolean root = Processes.isRoot();
    if (root) {
      // The server runs as postgres, which must be able to enter the work directory.
      Processes.run(
          workDir.resolve("postgres-setup.log"),
          List.of("chown", "-R", "postgres", workDir.toString()),
          30);
    }
    PostgresCluster cluster =
        new PostgresCluster(
            initdb.getParent(),
            workDir.resolve("pgdata"),
            workDir.resolve("postgres.log"),
            root,
            freePort());
    cluster.run(
        List.of(
            "initdb",
            "-D",
            cluster.dataDir.toString(),
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
            "-U",
            "postgres",
            "--no-sync",
            "--no-instructions"),
        120);
    cluster.run(
        List.of(
            "pg_ctl",
            "-D",
            cluster.dataDir.toString(),
            "-l",
            workDir.resolve("postgres-server.log").toString(),
            "-o",
            "-k " + workDir + " -h 127.0.0.1 -p " + cluster.port,
            "-w",
            "-t",
            "60",
            "start"),
        90);
    cluster.running = true;
    return cluster;
  }

  int port() {
    return port;
  }

  Path binDir() {
    return binDir;
  }

  /**
   * Runs {@code sql} (from stdin, so nothing of it shows in {@code ps}) as the superuser over the
   * cluster's Unix socket, stopping at the first error.
   */
  void execute(Path psql, String database, String sql) {
    Processes.run(
        log,
        List.of(
            psql.toString(),
            "-X",
            "-q",
            "-h",
            workDir.toString(),
            "-p",
            Integer.toString(port),
            "-U",
            "postgres",
            "-d",
            database,
            "-v",
            "ON_ERROR_STOP=1",
            "-f",
            "-"),
        sql,
        60);
  }

  private void run(List<String> command, long timeoutSeconds) {
    List<String> full = new ArrayList<>();
    if (asPostgresUser) {
      full.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    full.add(binDir.resolve(command.get(0)).toString());
    full.addAll(command.subList(1, command.size()));
    Processes.run(log, full, timeoutSeconds);
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() {
    if (running) {
      running = false;
      run(List.of("pg_ctl", "-D", dataDir.toString(), "-m", "fast", "-w", "stop"), 60);
    }
  }
}
