package io.hoop.cli.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.hoop.api.Json;
import io.hoop.cli.HoopException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** {@code hoop-broker serve --dev} as a subprocess, ready once it wrote its ready file. */
final class BrokerProcess implements AutoCloseable {
  /**
   * What the broker wrote to its ready file.
   *
   * @param url the broker's base URL
   * @param fingerprint SHA-256 fingerprint of its certificate
   */
  record Ready(String url, String fingerprint) {}

  private final Process process;
  private final Path log;
  private final Path readyFile;

  private BrokerProcess(Process process, Path log, Path readyFile) {
    this.process = process;
    this.log = log;
    this.readyFile = readyFile;
  }

  static BrokerProcess start(Path launcher, Path config, Path workDir) {
    Path log = workDir.resolve("broker.log");
    Path readyFile = workDir.resolve("ready.json");
    List<String> command =
        List.of(
            launcher.toString(),
            "serve",
            "--dev",
            "--config",
            config.toString(),
            "--data-dir",
            workDir.resolve("broker").toString(),
            "--ready-file",
            readyFile.toString());
    try {
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .start();
      return new BrokerProcess(process, log, readyFile);
    } catch (IOException e) {
      throw new HoopException("cannot start " + launcher + ": " + e.getMessage(), e);
    }
  }

  Path log() {
    return log;
  }

  /** Waits for the ready file; {@code progress} gets the elapsed time about twice a second. */
  Ready awaitReady(Duration timeout, Consumer<Duration> progress) throws InterruptedException {
    Instant start = Instant.now();
    Instant deadline = start.plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      Ready ready = readReadyFile();
      if (ready != null) {
        return ready;
      }
      if (!process.isAlive()) {
        throw new HoopException(
            "the broker exited with code "
                + process.exitValue()
                + " before it was ready"
                + Processes.tail(log));
      }
      progress.accept(Duration.between(start, Instant.now()));
      Thread.sleep(500);
    }
    throw new HoopException(
        "the broker was not ready within " + timeout.toSeconds() + " s" + Processes.tail(log));
  }

  private Ready readReadyFile() {
    if (!Files.isRegularFile(readyFile)) {
      return null;
    }
    try {
      JsonNode json = Json.mapper().readTree(Files.readAllBytes(readyFile));
      // The broker may be halfway through writing it; try again on the next tick.
      if (json == null || !json.hasNonNull("url") || !json.hasNonNull("fingerprint")) {
        return null;
      }
      return new Ready(json.get("url").asText(), json.get("fingerprint").asText());
    } catch (IOException e) {
      return null;
    }
  }

  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
    try {
      stop();
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private void stop() throws InterruptedException {
    // The launcher script may have children (the JVM); stop them all, politely first.
    List<ProcessHandle> children = process.descendants().toList();
    process.destroy();
    children.forEach(ProcessHandle::destroy);
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      children.forEach(ProcessHandle::destroyForcibly);
      process.waitFor(5, TimeUnit.SECONDS);
    }
  }
}
