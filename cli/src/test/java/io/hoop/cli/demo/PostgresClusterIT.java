package io.hoop.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoop.cli.CliEnvironment;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The demo's throw-away PostgreSQL really starts with its role and table, wants a SCRAM password
 * over TCP, stops and is cleaned up.
 */
class PostgresClusterIT {
  @Test
  void startsSeedsRequiresPasswordsAndCleansUp() throws Exception {
    Path dir = Files.createTempDirectory("hoop-demo-it-");
    StringWriter log = new StringWriter();
    CliEnvironment env = CliEnvironment.of(Map.of("PATH", System.getenv("PATH")));
    Path psql = Processes.which(System.getenv("PATH"), "psql");
    DemoTarget target;
    try (DemoEnvironment demo = new DemoEnvironment(dir, false, new PrintWriter(log, true))) {
      target = demo.startTarget(env);
      assertThat(target.type()).as("initdb must be installed for this test").isEqualTo("postgres");
      Path pw = dir.resolve(DemoDatabase.PASSWORD_FILE);
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(pw)))
          .isEqualTo("rw-------");
      String password = Files.readString(pw, StandardCharsets.UTF_8).strip();
      assertThat(target.description()).doesNotContain(password).contains(pw.toString());
      assertThat(target.brokerConfig()).doesNotContain(password).contains(pw.toString());

      Result ro =
          psql(
              psql,
              target.port(),
              "app_ro",
              password,
              "select current_user, count(*) from customers");
      assertThat(ro.exit).as(ro.output).isZero();
      assertThat(ro.output.strip()).isEqualTo("app_ro|3");

      Result readOnly = psql(psql, target.port(), "app_ro", password, "delete from customers");
      assertThat(readOnly.output).contains("permission denied");

      Result noPassword = psql(psql, target.port(), "postgres", null, "select 1");
      assertThat(noPassword.exit).isNotZero();
      assertThat(noPassword.output).contains("no password supplied");
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

  private record Result(int exit, String output) {}

  private static Result psql(Path psql, int port, String user, String password, String sql)
      throws Exception {
    ProcessBuilder b =
        new ProcessBuilder(
                List.of(
                    psql.toString(),
                    "-X",
                    "-At",
                    "-w",
                    "-h",
                    "127.0.0.1",
                    "-p",
                    Integer.toString(port),
                    "-U",
                    user,
                    "-d",
                    DemoDatabase.DATABASE,
                    "-c",
                    sql))
            .redirectErrorStream(true);
    b.environment().remove("PGPASSWORD");
    b.environment().put("PGPASSFILE", Path.of("/nonexistent/hoop-it-pgpass").toString());
    if (password != null) {
      b.environment().put("PGPASSWORD", password);
    }
    Process p = b.start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return new Result(p.exitValue(), out);
  }
}
