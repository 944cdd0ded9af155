package io.hoop.cli.demo;

import io.hoop.cli.CliEnvironment;
import io.hoop.cli.HoopException;
import io.hoop.cli.auth.DeviceAuthorization;
import io.hoop.cli.broker.BrokerTls;
import io.hoop.cli.config.Profile;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The demo's throw-away world in one temp directory: target, broker, config, logs. Closing it stops
 * everything it started, in reverse order, and deletes the directory unless asked to keep it.
 */
public final class DemoEnvironment implements AutoCloseable {
  static final Duration BROKER_READY_TIMEOUT = Duration.ofSeconds(60);

  private final Path dir;
  private final boolean keep;
  private final PrintWriter err;
  private final Deque<AutoCloseable> started = new ArrayDeque<>();
  private final AtomicBoolean closed = new AtomicBoolean();

  public DemoEnvironment(Path dir, boolean keep, PrintWriter err) {
    this.dir = dir;
    this.keep = keep;
    this.err = err;
  }

  /**
   * {@code <hoop.home>/bin/hoop-broker}: the system property set by the {@code bin/hoop} launcher,
   * else {@code $HOOP_HOME}.
   */
  public static Path brokerLauncher(CliEnvironment env) {
    String home = System.getProperty("hoop.home");
    if (home == null || home.isBlank()) {
      home = env.get("HOOP_HOME");
    }
    if (home == null) {
      throw new HoopException(
          "cannot find the broker: hoop demo needs a hoop installation; run it through its"
              + " bin/hoop launcher or set HOOP_HOME to the installation directory");
    }
    Path launcher = Path.of(home, "bin", "hoop-broker");
    if (!Files.isExecutable(launcher)) {
      throw new HoopException(
          "cannot find the broker launcher "
              + launcher
              + "; set HOOP_HOME to a hoop installation directory (the one with bin/hoop-broker)");
    }
    return launcher;
  }

  /** Stops everything on JVM exit too, e.g. Ctrl-C before the tunnel is up. */
  public void closeOnShutdown() {
    Runtime.getRuntime().addShutdownHook(new Thread(this::close, "hoop-demo-cleanup"));
  }

  /**
   * PostgreSQL with the demo's role and table when {@code initdb} is found, else the echo service.
   */
  public DemoTarget startTarget(CliEnvironment env) throws IOException {
    Path initdb = findInitdb(env);
    if (initdb != null) {
      PostgresCluster cluster = PostgresCluster.start(initdb, dir);
      started.push(cluster);
      Path psql = cluster.binDir().resolve("psql");
      if (!Files.isExecutable(psql)) {
        psql = Processes.which(env.get("PATH"), "psql");
      }
      if (psql == null) {
        throw new HoopException(
            "initdb found in " + cluster.binDir() + " but no psql; install the PostgreSQL client");
      }
      Path passwordFile = DemoDatabase.seed(cluster, psql, dir);
      return new DemoTarget("postgres", cluster.port(), psql, passwordFile);
    }
    EchoService echo = new EchoService();
    started.push(echo);
    return new DemoTarget("tcp", echo.port(), null, null);
  }

  /** Writes the broker config, starts the broker, waits until it is ready. */
  public Profile startBroker(Path launcher, DemoTarget target, Consumer<Duration> progress)
      throws IOException, InterruptedException {
    Path config = DemoConfig.write(dir, target.brokerConfig());
    BrokerProcess broker = BrokerProcess.start(launcher, config, dir);
    started.push(broker);
    BrokerProcess.Ready ready = broker.awaitReady(BROKER_READY_TIMEOUT, progress);
    return new Profile(
        ready.url(), BrokerTls.normalizeFingerprint(ready.fingerprint()), null, null, null);
  }

  /** Completes the dev IdP's verification page, trusting the broker's pinned certificate. */
  public static void approveAs(Profile trust, DeviceAuthorization authorization, String username) {
    BrokerTls tls = BrokerTls.pinned(trust.fingerprint());
    VerificationPage.approve(
        tls.forUrl(trust.brokerUrl(), authorization.verificationUri()).transport(),
        authorization.verificationUri(),
        authorization.userCode(),
        username);
  }

  private static Path findInitdb(CliEnvironment env) {
    Path onPath = Processes.which(env.get("PATH"), "initdb");
    if (onPath != null) {
      return onPath;
    }
    // Debian and Ubuntu keep the server binaries off PATH, one directory per major version.
    Path debian = Path.of("/usr/lib/postgresql");
    if (!Files.isDirectory(debian)) {
      return null;
    }
    try (DirectoryStream<Path> versions = Files.newDirectoryStream(debian)) {
      Path best = null;
      for (Path v : versions) {
        Path candidate = v.resolve("bin/initdb");
        if (Files.isExecutable(candidate)
            && (best == null || version(v) > version(best.getParent().getParent()))) {
          best = candidate;
        }
      }
      return best;
    } catch (IOException e) {
      return null;
    }
  }

  private static int version(Path dir) {
    try {
      return Integer.parseInt(dir.getFileName().toString());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    while (!started.isEmpty()) {
      AutoCloseable resource = started.pop();
      try {
        resource.close();
      } catch (Exception e) {
        err.println("hoop: demo cleanup: " + e.getMessage());
      }
    }
    if (keep) {
      err.println("Kept the demo directory " + dir);
    } else {
      deleteRecursively(dir);
    }
    err.flush();
  }

  private void deleteRecursively(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(DemoEnvironment::delete);
    } catch (IOException | UncheckedIOException e) {
      err.println("hoop: could not delete " + root + ": " + e.getMessage());
    }
  }

  private static void delete(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
