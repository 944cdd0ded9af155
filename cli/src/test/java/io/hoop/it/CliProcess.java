package io.hoop.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code hoop} in its own JVM, as a shell runs it, so signals reach it as they would. */
final class CliProcess implements AutoCloseable {
  private final Process process;
  private final StringBuffer out = new StringBuffer();
  private final StringBuffer err = new StringBuffer();
  private final Thread outReader;
  private final Thread errReader;

  private CliProcess(Process process) {
    this.process = process;
    this.outReader = reader(process.getInputStream(), out, "hoop-cli-stdout");
    this.errReader = reader(process.getErrorStream(), err, "hoop-cli-stderr");
  }

  private static Thread reader(InputStream in, StringBuffer sink, String name) {
    Thread t =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                  sink.append(line).append('\n');
                }
              } catch (IOException e) {
                // The process ended.
              }
            },
            name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** Starts {@code hoop ARGS} with exactly {@code env} (see {@link HoopCli#env}). */
  static CliProcess start(Map<String, String> env, String... args) throws IOException {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "io.hoop.cli.Hoop"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().clear();
    pb.environment().putAll(env);
    return new CliProcess(pb.start());
  }

  /** Waits until stderr shows {@code text}; fails at once if the process ends first. */
  void awaitErr(String text) {
    try {
      await()
          .atMost(Duration.ofSeconds(60))
          .failFast("hoop exited: " + err, () -> !process.isAlive())
          .until(() -> err.toString().contains(text));
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError("hoop's stderr never showed '" + text + "'; it shows:\n" + err, e);
    }
  }

  /** Waits until {@code file} exists; fails at once if the process ends first. */
  void awaitFile(Path file) {
    await()
        .atMost(Duration.ofSeconds(60))
        .failFast("hoop exited: " + err, () -> !process.isAlive())
        .until(() -> java.nio.file.Files.exists(file));
  }

  /** Waits until stdout holds at least {@code lines} lines. */
  void awaitOutLines(int lines) {
    await()
        .atMost(Duration.ofSeconds(60))
        .failFast("hoop exited: " + err, () -> !process.isAlive())
        .until(() -> out.toString().lines().count() >= lines);
  }

  /** The grant id of the "Grant ID for ..." line. */
  String grantId() {
    return find("Grant (g-[a-z0-9]+) for");
  }

  /** The request id of the "Request ID for ... is pending" line. */
  String requestId() {
    return find("Request (g-[a-z0-9]+) for");
  }

  private String find(String regex) {
    Matcher m = Pattern.compile(regex).matcher(err.toString());
    assertThat(m.find()).as(err.toString()).isTrue();
    return m.group(1);
  }

  /** Sends {@code SIG<name>} with the shell's own kill builtin. */
  void signal(String name) throws Exception {
    Process kill =
        new ProcessBuilder("sh", "-c", "kill -" + name + " " + process.pid()).inheritIO().start();
    assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(kill.exitValue()).isZero();
  }

  /** Waits for the exit; returns the exit code. */
  int waitFor() throws Exception {
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as(err.toString()).isTrue();
    outReader.join(5_000);
    errReader.join(5_000);
    return process.exitValue();
  }

  /** hoop's stdin. */
  java.io.OutputStream stdin() {
    return process.getOutputStream();
  }

  /** hoop's pid and those of the processes it started. */
  List<Long> pids() {
    List<Long> pids = new ArrayList<>();
    pids.add(process.pid());
    process.descendants().forEach(p -> pids.add(p.pid()));
    return pids;
  }

  /** How many processes hoop started (ssh, its ProxyCommand) are still alive. */
  long descendantsAlive() throws Exception {
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> process.descendants().noneMatch(ProcessHandle::isAlive));
    return process.descendants().filter(ProcessHandle::isAlive).count();
  }

  String out() {
    return out.toString();
  }

  String err() {
    return err.toString();
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
