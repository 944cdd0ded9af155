package io.hoop.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/** {@code hoop-agent} as a process of its own, and the admin token it runs with (agent ITs). */
final class AgentProcess {
  private AgentProcess() {}

  /**
   * Mints a broker token for {@code principal} with {@code hoop-broker token create} and writes it
   * to {@code file} (0600).
   *
   * @param config the broker's config file when its store is PostgreSQL, else null
   */
  static Path mintTokenFile(Path file, Path dataDir, Path config, String principal)
      throws IOException {
    StringWriter minted = new StringWriter();
    StringWriter err = new StringWriter();
    List<String> args =
        new ArrayList<>(
            List.of(
                "token",
                "create",
                "--principal",
                principal,
                "--ttl",
                "1h",
                "--data-dir",
                dataDir.toString()));
    if (config != null) {
      args.addAll(List.of("--config", config.toString()));
    }
    int code =
        new CommandLine(new io.hoop.broker.BrokerMain())
            .setOut(new PrintWriter(minted, true))
            .setErr(new PrintWriter(err, true))
            .execute(args.toArray(String[]::new));
    assertThat(code).as(err.toString()).isZero();
    Files.writeString(file, minted.toString().strip() + "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    return file;
  }

  /**
   * Starts {@code hoop-agent run} with this JVM's class path, through {@code launcher} (e.g. {@code
   * ip netns exec NS}; empty for none), connected to each of {@code brokers}; output to {@code
   * log}; {@code extra} options are appended.
   */
  static Process start(
      List<String> launcher,
      List<String> brokers,
      String name,
      Path tokenFile,
      String fingerprint,
      Path log,
      String... extra)
      throws IOException {
    List<String> cmd = new ArrayList<>(launcher);
    cmd.addAll(
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-XX:TieredStopAtLevel=1",
            "-cp",
            System.getProperty("java.class.path"),
            "io.hoop.agent.AgentMain",
            "run"));
    for (String broker : brokers) {
      cmd.addAll(List.of("--broker", broker));
    }
    cmd.addAll(
        List.of(
            "--name",
            name,
            "--token-file",
            tokenFile.toString(),
            "--fingerprint",
            fingerprint,
            "--max-backoff",
            "2"));
    cmd.addAll(List.of(extra));
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }
}
