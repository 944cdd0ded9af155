package io.hoop.it;

import io.hoop.cli.Hoop;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Runs the hoop CLI in-process, as a user would from a shell, and captures what it printed. */
final class HoopCli {
  /** The exit code, stdout and stderr of one run. */
  record Run(int code, String out, String err) {}

  private HoopCli() {}

  /** This JVM's environment with {@code HOOP_CONFIG_DIR} at {@code configDir} and no profile. */
  static Map<String, String> env(Path configDir) {
    Map<String, String> env = new HashMap<>(System.getenv());
    env.put("HOOP_CONFIG_DIR", configDir.toString());
    // A CI runner's own login (HOOP_TOKEN, GitHub Actions' OIDC request) must not leak in.
    env.keySet()
        .removeAll(
            List.of(
                "HOOP_PROFILE",
                "HOOP_TOKEN",
                "ACTIONS_ID_TOKEN_REQUEST_URL",
                "ACTIONS_ID_TOKEN_REQUEST_TOKEN"));
    return env;
  }

  /**
   * Writes {@code bin/hoop}: a launcher that runs this build's CLI (the test's classpath) as a
   * separate process, for shells and terminals that must find {@code hoop} on PATH.
   */
  static Path launcher(Path bin) throws IOException {
    Path launcher = java.nio.file.Files.createDirectories(bin).resolve("hoop");
    java.nio.file.Files.writeString(
        launcher,
        "#!/bin/sh\nexec '"
            + Path.of(System.getProperty("java.home"), "bin", "java")
            + "' -XX:TieredStopAtLevel=1 -cp '"
            + System.getProperty("java.class.path")
            + "' io.hoop.cli.Hoop \"$@\"\n");
    launcher.toFile().setExecutable(true);
    return launcher;
  }

  /** Logs {@code user} in to {@code broker} under {@code profile}, the device flow approved. */
  static void login(
      io.hoop.testkit.BrokerFixture broker, Map<String, String> env, String user, String profile) {
    Run r =
        run(
            env,
            new CodeApprover(broker, user, true),
            "--profile",
            profile,
            "login",
            "--broker",
            broker.url(),
            "--fingerprint",
            broker.fingerprint());
    if (r.code() != 0) {
      throw new AssertionError("login " + user + ": " + r.err());
    }
  }

  /**
   * Runs hoop to completion; stderr is also copied to {@code errSink} (when not null) as it is
   * written, so a caller can read a device code or a pending notice while the command runs.
   */
  static Run run(Map<String, String> env, OutputStream errSink, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    OutputStream tee =
        new OutputStream() {
          @Override
          public void write(int b) throws IOException {
            err.write(b);
            if (errSink != null) {
              errSink.write(b);
            }
          }
        };
    int code =
        Hoop.run(
            env,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(tee, true, StandardCharsets.UTF_8),
            args);
    return new Run(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }
}
