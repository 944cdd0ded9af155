package io.hoop.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoop.cli.CliEnvironment;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The demo's throw-away PostgreSQL really starts, answers psql, stops and is cleaned up. */
class PostgresClusterIT {
  @Test
  void startsAnswersPsqlAndCleansUp() throws Exception {
    Path dir = Files.createTempDirectory("hoop-demo-it-");
    StringWriter log = new StringWriter();
    CliEnvironment env = CliEnvironment.of(Map.of("PATH", System.getenv("PATH")));
    DemoTarget target;
    try (DemoEnvironment demo = new DemoEnvironment(dir, false, new PrintWriter(log, true))) {
      target = demo.startTarget(env);
      assertThat(target.type()).as("initdb must be installed for this test").isEqualTo("postgres");
      StringWriter out = new StringWriter();
      // Straight at the cluster (no broker here): the same psql invocation the demo runs.
      target.exercise(
          target.port(), new PrintWriter(out, true), new PrintWriter(new StringWriter(), true));
      assertThat(out.toString()).contains("postgres").contains("PostgreSQL");
    }
    assertThat(dir).doesNotExist();
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", target.port()), 1000);
      throw new AssertionError("postgres still listening on " + target.port());
    } catch (java.io.IOException expected) {
      // Stopped.
    }
    assertThat(log.toString()).doesNotContain("cleanup");
  }
}
