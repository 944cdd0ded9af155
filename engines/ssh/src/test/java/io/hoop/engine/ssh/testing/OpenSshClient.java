package io.hoop.engine.ssh.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real OpenSSH clients ({@code ssh}, {@code scp}, {@code sftp}) against one host and port
 * with one identity and one known_hosts file, as the hoop CLI tells users to; no user config.
 */
public final class OpenSshClient {

  private final int port;
  private final Path identity;
  private final Path knownHosts;
  private final String user;

  public OpenSshClient(int port, Path identity, Path knownHosts, String user) {
    this.port = port;
    this.identity = identity;
    this.knownHosts = knownHosts;
    this.user = user;
  }

  /** The result of one client run. */
  public record Result(int exitCode, String stdout, String stderr, Duration took) {}

  public List<String> options() {
    return List.of(
        "-F", "/dev/null",
        "-i", identity.toString(),
        "-o", "IdentitiesOnly=yes",
        "-o", "IdentityAgent=none",
        "-o", "UserKnownHostsFile=" + knownHosts,
        "-o", "GlobalKnownHostsFile=/dev/null",
        "-o", "StrictHostKeyChecking=yes",
        "-o", "BatchMode=yes",
        "-o", "ConnectTimeout=10");
  }

  public int port() {
    return port;
  }

  public Path knownHosts() {
    return knownHosts;
  }

  public String destination() {
    return user + "@127.0.0.1";
  }

  /** {@code ssh -p P [extra...] user@127.0.0.1 [command...]}. */
  public List<String> ssh(List<String> extra, String... command) {
    List<String> c = new ArrayList<>(List.of("ssh", "-p", Integer.toString(port)));
    c.addAll(options());
    c.addAll(extra);
    c.add(destination());
    c.addAll(List.of(command));
    return c;
  }

  /** scp as OpenSSH 9 runs it by default: over the sftp subsystem. */
  public List<String> scp(String from, String to) {
    return scp(List.of(), from, to);
  }

  /**
   * scp with extra flags, e.g. {@code -O} for the legacy protocol (an exec of {@code scp -t/-f}).
   */
  public List<String> scp(List<String> flags, String from, String to) {
    List<String> c = new ArrayList<>(List.of("scp", "-q", "-P", Integer.toString(port)));
    c.addAll(flags);
    c.addAll(options());
    c.add(from);
    c.add(to);
    return c;
  }

  public List<String> sftp(Path batch) {
    List<String> c = new ArrayList<>(List.of("sftp", "-P", Integer.toString(port)));
    c.addAll(options());
    c.addAll(List.of("-b", batch.toString(), destination()));
    return c;
  }

  /** The remote path argument of scp: {@code user@127.0.0.1:path}. */
  public String remote(String path) {
    return destination() + ":" + path;
  }

  public static Result run(List<String> command, Duration timeout)
      throws IOException, InterruptedException {
    return run(command, timeout, Map.of());
  }

  public static Result run(List<String> command, Duration timeout, Map<String, String> env)
      throws IOException, InterruptedException {
    Path out = Files.createTempFile("hoop-ssh-out", ".txt");
    Path err = Files.createTempFile("hoop-ssh-err", ".txt");
    try {
      ProcessBuilder pb =
          new ProcessBuilder(command)
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .redirectOutput(out.toFile())
              .redirectError(err.toFile());
      pb.environment().remove("SSH_AUTH_SOCK");
      pb.environment().putAll(env);
      long start = System.nanoTime();
      Process p = pb.start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly().waitFor();
        throw new AssertionError(
            String.join(" ", command)
                + " did not finish within "
                + timeout
                + "; stderr: "
                + Files.readString(err, StandardCharsets.UTF_8));
      }
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      return new Result(
          p.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8),
          took);
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}
