package io.hoop.cli.demo;

import io.hoop.cli.HoopException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Small helpers to run the demo's helper programs with their output in a log file. */
final class Processes {
  private Processes() {}

  /**
   * Runs a command to completion, its output appended to {@code log}; fails with the log's tail.
   */
  static void run(Path log, List<String> command, long timeoutSeconds) {
    run(log, command, null, timeoutSeconds);
  }

  /**
   * As {@link #run(Path, List, long)}, with {@code input} on the command's stdin: what must not
   * show in {@code ps} (a password in SQL) goes there rather than on the command line.
   */
  static void run(Path log, List<String> command, String input, long timeoutSeconds) {
    try {
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      if (input == null) {
        builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      }
      Process p = builder.start();
      if (input != null) {
        try (java.io.OutputStream stdin = p.getOutputStream()) {
          stdin.write(input.getBytes(StandardCharsets.UTF_8));
        }
      }
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new HoopException(
            String.join(" ", command)
                + " did not finish within "
                + timeoutSeconds
                + " s"
                + tail(log));
      }
      if (p.exitValue() != 0) {
        throw new HoopException(
            program(command) + " failed with exit code " + p.exitValue() + tail(log));
      }
    } catch (IOException e) {
      throw new HoopException("cannot run " + command.get(0) + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HoopException("interrupted while running " + command.get(0), e);
    }
  }

  /** The program's file name, behind a {@code runuser -u USER --} prefix if there is one. */
  static String program(List<String> command) {
    int i = command.get(0).equals("runuser") && command.size() > 4 ? 4 : 0;
    return Path.of(command.get(i)).getFileName().toString();
  }

  /** Runs {@code id -u} and says whether we are root. */
  static boolean isRoot() {
    try {
      Process p = new ProcessBuilder("id", "-u").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      p.waitFor(10, TimeUnit.SECONDS);
      return out.equals("0");
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The last lines of a log file, formatted to end an error message. */
  static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      List<String> last =
          new ArrayList<>(lines.subList(Math.max(0, lines.size() - 15), lines.size()));
      return last.isEmpty()
          ? " (log " + log + " is empty)"
          : "; last lines of " + log + ":\n  " + String.join("\n  ", last);
    } catch (IOException e) {
      return " (see " + log + ")";
    }
  }

  /** Finds an executable by name in a PATH string. */
  static Path which(String path, String name) {
    if (path == null) {
      return null;
    }
    for (String dir : path.split(java.io.File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, name);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }
}
