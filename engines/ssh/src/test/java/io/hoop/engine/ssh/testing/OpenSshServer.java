package io.hoop.engine.ssh.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.common.util.io.resource.PathResource;
import org.apache.sshd.common.util.security.SecurityUtils;

/**
 * A real OpenSSH server ({@code /usr/sbin/sshd -D -e}) on a free loopback port, with its own host
 * key and one authorized client key, running as the current user; everything lives in a temp
 * directory removed on close. Fails (does not skip) when sshd is not installed.
 */
public final class OpenSshServer implements AutoCloseable {

  private static final Path SSHD = Path.of("/usr/sbin/sshd");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(15);

  private final Path dir;
  private final int port;
  private final Process process;
  private final String user;

  private OpenSshServer(Path dir, int port, Process process, String user) {
    this.dir = dir;
    this.port = port;
    this.process = process;
    this.user = user;
  }

  /** Starts sshd on a free loopback port and waits until it listens. */
  public static OpenSshServer start() throws IOException, InterruptedException {
    return start(List.of(), "127.0.0.1", 0);
  }

  /**
   * Starts sshd through {@code launcher} (e.g. {@code ip netns exec NS}: the server then runs in
   * that namespace) on {@code listenAddress:port} (port 0: a free loopback port) and waits until it
   * listens.
   */
  public static OpenSshServer start(List<String> launcher, String listenAddress, int fixedPort)
      throws IOException, InterruptedException {
    if (!Files.isExecutable(SSHD)) {
      throw new IllegalStateException(
          SSHD + " is missing; install openssh-server (the CI script does) to run the ssh tests");
    }
    String user = System.getProperty("user.name");
    boolean root = "root".equals(user);
    if (root) {
      Files.createDirectories(Path.of("/run/sshd"));
    }
    Path dir = Files.createTempDirectory("hoop-sshd-");
    try {
      keygen(dir.resolve("host_key"), "ed25519");
      keygen(dir.resolve("client_key"), "ed25519");
      Files.copy(dir.resolve("client_key.pub"), dir.resolve("authorized_keys"));
      int port = fixedPort == 0 ? freePort() : fixedPort;
      Path config = dir.resolve("sshd_config");
      Files.writeString(
          config,
          String.join(
              "\n",
              "Port " + port,
              "ListenAddress " + listenAddress,
              "HostKey " + dir.resolve("host_key"),
              "PidFile " + dir.resolve("sshd.pid"),
              "AuthorizedKeysFile " + dir.resolve("authorized_keys"),
              "PubkeyAuthentication yes",
              "PasswordAuthentication no",
              "KbdInteractiveAuthentication no",
              "PermitRootLogin prohibit-password",
              "UsePAM no",
              "StrictModes no",
              "AllowTcpForwarding yes",
              "AllowAgentForwarding yes",
              "X11Forwarding no",
              "AcceptEnv LANG LC_*",
              "PrintMotd no",
              "PrintLastLog no",
              "MaxStartups 50",
              "Subsystem sftp internal-sftp",
              "LogLevel VERBOSE",
              ""));
      Path log = dir.resolve("sshd.log");
      List<String> command = new ArrayList<>(launcher);
      command.addAll(List.of(SSHD.toString(), "-D", "-e", "-f", config.toString()));
      Process p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      OpenSshServer server = new OpenSshServer(dir, port, p, user);
      server.awaitListening(log);
      return server;
    } catch (IOException | InterruptedException | RuntimeException e) {
      deleteTree(dir);
      throw e;
    }
  }

  private void awaitListening(Path log) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      String text = Files.readString(log, StandardCharsets.UTF_8);
      if (text.contains("Server listening on")) {
        return;
      }
      if (!process.isAlive()) {
        close();
        throw new IllegalStateException("sshd exited with " + process.exitValue() + ": " + text);
      }
      Thread.sleep(20);
    }
    String text = Files.readString(log, StandardCharsets.UTF_8);
    close();
    throw new IllegalStateException("sshd did not listen within " + START_TIMEOUT + ": " + text);
  }

  public int port() {
    return port;
  }

  public String user() {
    return user;
  }

  /** The temp directory (removed on close): handy for the test's own files. */
  public Path dir() {
    return dir;
  }

  /** The private key file authorized for {@link #user()} (OpenSSH format, no passphrase). */
  public Path clientKeyFile() {
    return dir.resolve("client_key");
  }

  public KeyPair clientKeyPair() throws IOException {
    return loadKeyPair(clientKeyFile());
  }

  /** The server's host key, as a client would pin it. */
  public PublicKey hostKey() throws IOException {
    return readPublicKey(dir.resolve("host_key.pub"));
  }

  public String log() throws IOException {
    return Files.readString(dir.resolve("sshd.log"), StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    deleteTree(dir);
  }

  /** Generates a key pair file with ssh-keygen (no passphrase). */
  public static void keygen(Path file, String type) throws IOException, InterruptedException {
    run(
        List.of(
            "ssh-keygen", "-q", "-t", type, "-N", "", "-C", "hoop-test", "-f", file.toString()));
  }

  public static KeyPair loadKeyPair(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      Iterable<KeyPair> pairs =
          SecurityUtils.loadKeyPairIdentities(null, new PathResource(file), in, null);
      return pairs.iterator().next();
    } catch (java.security.GeneralSecurityException e) {
      throw new IOException("cannot read the key pair in " + file, e);
    }
  }

  public static PublicKey readPublicKey(Path pubFile) throws IOException {
    try {
      String line = Files.readString(pubFile, StandardCharsets.UTF_8).trim();
      return AuthorizedKeyEntry.parseAuthorizedKeyEntry(line)
          .resolvePublicKey(null, PublicKeyEntryResolver.IGNORING);
    } catch (java.security.GeneralSecurityException e) {
      throw new IOException("cannot read the public key in " + pubFile, e);
    }
  }

  static void run(List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IOException(String.join(" ", command) + " failed: " + out);
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  public static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort: a leftover temp dir is reported by the OS cleanup, not worth failing a test
    }
  }
}
