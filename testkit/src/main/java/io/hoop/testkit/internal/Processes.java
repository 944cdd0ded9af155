package io.hoop.testkit.internal;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Runs external commands to completion with a deadline, capturing stdout and stderr apart. */
public final class Processes {

  /** The outcome of one finished command. */
  public record Result(int exitCode, String stdout, String stderr) {

    /** Both streams, for error messages. */
    public String output() {
      if (stderr.isBlank()) {
        return stdout.strip();
      }
      return (stdout.strip() + "\n" + stderr.strip()).strip();
    }
  }

  private Processes() {}

  /**
   * Runs {@code command} in {@code workDir}, writing {@code stdin} (may be empty) to its input, and
   * waits at most {@code timeout}; a command that overruns is killed and reported as an error.
   */
  public static Result run(List<String> command, Path workDir, String stdin, Duration timeout) {
    requireNonNull(command, "command");
    requireNonNull(stdin, "stdin");
    ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + command.get(0) + ": " + e.getMessage(), e);
    }
    // Both pipes are drained concurrently: a chatty command would otherwise block on a full pipe.
    CompletableFuture<String> out = drain(process.getInputStream());
    CompletableFuture<String> err = drain(process.getErrorStream());
    try (OutputStream in = process.getOutputStream()) {
      in.write(stdin.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      // The command may exit without reading its input; its exit code tells what happened.
    }
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        throw new IllegalStateException(
            "command " + command.get(0) + " did not finish within " + timeout + "; killed it");
      }
      return new Result(process.exitValue(), out.get(), err.get());
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for " + command.get(0), e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot read the output of " + command.get(0), e.getCause());
    }
  }

  // A thread of its own per stream: the common pool may have a single worker on a small machine.
  private static CompletableFuture<String> drain(InputStream stream) {
    CompletableFuture<String> result = new CompletableFuture<>();
    Thread reader =
        new Thread(
            () -> {
              try (stream) {
                result.complete(new String(stream.readAllBytes(), StandardCharsets.UTF_8));
              } catch (IOException e) {
                result.completeExceptionally(e);
              }
            },
            "testkit-process-reader");
    reader.setDaemon(true);
    reader.start();
    return result;
  }
}
