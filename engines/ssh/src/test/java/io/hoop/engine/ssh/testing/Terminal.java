package io.hoop.engine.ssh.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A person at a terminal: runs a command inside a pty made by util-linux {@code script}, types into
 * it and reads what the terminal shows.
 */
public final class Terminal implements AutoCloseable {

  private final Process process;
  private final OutputStream keyboard;
  private final StringBuffer screen = new StringBuffer();
  private final Thread reader;

  private Terminal(Process process) {
    this.process = process;
    this.keyboard = process.getOutputStream();
    this.reader = new Thread(this::read, "terminal-reader");
    reader.setDaemon(true);
    reader.start();
  }

  /** Runs the command in a new pty ({@code script -qec "..." /dev/null}). */
  public static Terminal open(List<String> command) throws IOException {
    String line = command.stream().map(Terminal::quote).collect(Collectors.joining(" "));
    ProcessBuilder pb =
        new ProcessBuilder("script", "-qfec", line, "/dev/null").redirectErrorStream(true);
    pb.environment().remove("SSH_AUTH_SOCK");
    pb.environment().put("TERM", "xterm");
    return new Terminal(pb.start());
  }

  private static String quote(String arg) {
    return "'" + arg.replace("'", "'\\''") + "'";
  }

  private void read() {
    byte[] buf = new byte[8192];
    try (InputStream in = process.getInputStream()) {
      int n;
      while ((n = in.read(buf)) >= 0) {
        screen.append(new String(buf, 0, n, StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      // the process ended
    }
  }

  public void type(String keys) throws IOException {
    keyboard.write(keys.getBytes(StandardCharsets.UTF_8));
    keyboard.flush();
  }

  /** Waits until the screen shows the text; fails with what it shows otherwise. */
  public void await(String text, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (screen.indexOf(text) >= 0) {
        return;
      }
      Thread.sleep(10);
    }
    throw new AssertionError(
        "the terminal did not show '" + text + "' within " + timeout + ":\n" + screen);
  }

  public String screen() {
    return screen.toString();
  }

  /** Waits for the program to end; returns its exit code, or -1 if still running. */
  public int waitFor(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      return -1;
    }
    reader.join(1000);
    return process.exitValue();
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
    }
  }
}
