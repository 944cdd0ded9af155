package io.hoop.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line: help with examples and exit codes, usage errors as exit 2 naming the value. */
class AgentMainTest {
  @TempDir Path dir;

  private record Result(int code, String out, String err) {}

  private static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = AgentMain.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Result(code, out.toString(), err.toString());
  }

  private Path token() throws Exception {
    Path f = dir.resolve("t");
    Files.writeString(f, "eyJ.abc.def");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
    return f;
  }

  private static final String PIN = "SHA256:" + "AB:".repeat(31) + "AB";

  /** {@code hoop-agent run} with a valid broker, name, token file and pin, then {@code extra}. */
  private static Result runAgent(String tokenFile, String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "run",
                "--broker",
                "https://b:1",
                "--name",
                "eu1",
                "--token-file",
                tokenFile,
                "--fingerprint",
                PIN));
    args.addAll(List.of(extra));
    return run(args.toArray(String[]::new));
  }

  @Test
  void helpShowsExamplesAndExitCodes() {
    Result top = run("--help");
    assertThat(top.code()).isZero();
    assertThat(top.out())
        .contains("Exit codes:")
        .contains("3  the broker refused")
        .contains("hoop-agent run");
    Result r = run("run", "--help");
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("--token-file").contains("--fingerprint").contains("--allow");
  }

  @Test
  void usageErrorsExitTwoNamingTheValue() throws Exception {
    String t = token().toString();
    Result http =
        run(
            "run",
            "--broker",
            "http://b:1",
            "--name",
            "eu1",
            "--token-file",
            t,
            "--fingerprint",
            PIN);
    assertThat(http.code()).isEqualTo(2);
    assertThat(http.err()).contains("must be an https:// URL");
    Result name =
        run(
            "run",
            "--broker",
            "https://b:1",
            "--name",
            "EU 1",
            "--token-file",
            t,
            "--fingerprint",
            PIN);
    assertThat(name.code()).isEqualTo(2);
    assertThat(name.err()).contains("--name 'EU 1'");
    Result noTrust = run("run", "--broker", "https://b:1", "--name", "eu1", "--token-file", t);
    assertThat(noTrust.code()).as("never trust-all: a pin or a CA is required").isEqualTo(2);
    Result both = runAgent(t, "--ca-cert", "/x.pem");
    assertThat(both.code()).isEqualTo(2);
    Result badPin =
        run(
            "run",
            "--broker",
            "https://b:1",
            "--name",
            "eu1",
            "--token-file",
            t,
            "--fingerprint",
            "nope");
    assertThat(badPin.code()).isEqualTo(2);
    Result allow = runAgent(t, "--allow", "db.internal");
    assertThat(allow.code()).isEqualTo(2);
    assertThat(allow.err()).contains("--allow 'db.internal' must be HOST:PORT");
    for (String n : new String[] {"0", "-1", "16385", "2147483647"}) {
      Result streams = runAgent(t, "--max-streams", n);
      assertThat(streams.code()).as("--max-streams %s", n).isEqualTo(2);
      assertThat(streams.err()).contains("--max-streams " + n + " must be 1..16384");
    }
  }

  @Test
  void anUnusableTokenFileExitsFourAndSaysWhy() throws Exception {
    Path t = token();
    Files.setPosixFilePermissions(t, PosixFilePermissions.fromString("rw-r--r--"));
    Result r =
        run(
            "run",
            "--broker",
            "https://b:1",
            "--name",
            "eu1",
            "--token-file",
            t.toString(),
            "--fingerprint",
            PIN);
    assertThat(r.code()).isEqualTo(4);
    assertThat(r.err()).contains("rw-r--r--").contains("chmod 600").doesNotContain("eyJ");
  }
}
