package io.hoop.cli.commands;

import io.hoop.api.Grant;
import io.hoop.api.GrantRequest;
import io.hoop.api.SessionResponse;
import io.hoop.cli.CliEnvironment;
import io.hoop.cli.ExitCodes;
import io.hoop.cli.Hoop;
import io.hoop.cli.auth.DeviceAuthorization;
import io.hoop.cli.auth.LoginFlow;
import io.hoop.cli.auth.Sleeper;
import io.hoop.cli.broker.BrokerSession;
import io.hoop.cli.config.ConfigDirs;
import io.hoop.cli.config.Profile;
import io.hoop.cli.config.ProfileStore;
import io.hoop.cli.connect.GrantTunnel;
import io.hoop.cli.connect.Interrupts;
import io.hoop.cli.connect.LocalEndpoint;
import io.hoop.cli.connect.Supervisor;
import io.hoop.cli.demo.DemoEnvironment;
import io.hoop.cli.demo.DemoSessions;
import io.hoop.cli.demo.DemoTarget;
import io.hoop.cli.output.AuditTable;
import io.hoop.cli.sessions.PostgresConnection;
import io.hoop.cli.sessions.SessionsApi;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code hoop demo}: the whole tour on this machine, with a throw-away broker and database. */
@Command(
    name = "demo",
    description = {
      "Try hoop on this machine with a throw-away broker and database.",
      "Starts PostgreSQL (or an echo service when initdb is not installed) with a",
      "customers table and a read-only role whose password only the broker knows, and a",
      "broker in dev mode with guardrails and masking on that target. Logs in as alice",
      "through the device flow, gets a grant for task DEMO-1, runs psql through the",
      "tunnel without a password (masked columns, a blocked DROP), then shows the",
      "recorded session and the audit trail. Everything lives in a temp directory that",
      "is deleted at the end."
    },
    footer = {
      "%nExamples:",
      "  hoop demo                 keep the tunnel open at the end, until Ctrl-C",
      "  hoop demo --once          run the tour and exit",
      "  hoop demo --once --keep   keep the temp directory (logs, config) to look at"
    })
public final class DemoCommand implements Callable<Integer> {
  static final String TASK = "DEMO-1";
  static final int STEPS = 7;

  @ParentCommand Hoop hoop;
  @Spec CommandSpec spec;
  @Mixin BasicOptions basic;

  @Option(names = "--once", description = "Exit after the tour instead of keeping the tunnel open.")
  boolean once;

  @Option(names = "--keep", description = "Do not delete the temp directory at the end.")
  boolean keep;

  @Override
  public Integer call() throws Exception {
    CliEnvironment env = hoop.environment();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Path launcher = DemoEnvironment.brokerLauncher(env);
    Path dir = Files.createTempDirectory("hoop-demo-");
    try (DemoEnvironment demo = new DemoEnvironment(dir, keep, err)) {
      if (env.installSignalHandlers()) {
        // Ctrl-C before the tunnel is up must not leave a broker or a postgres behind.
        demo.closeOnShutdown();
      }
      step(err, 1, "Starting the demo target");
      DemoTarget target = demo.startTarget(env);
      err.println(target.description());

      step(err, 2, "Starting a broker in dev mode (log: " + dir.resolve("broker.log") + ")");
      ProgressLine waiting = new ProgressLine(err, env.redraws());
      Profile trust =
          demo.startBroker(launcher, target, e -> waiting.update("Waiting for the broker", e));
      waiting.done();
      err.println("Broker ready at " + trust.brokerUrl());
      err.println("  certificate SHA-256 " + trust.fingerprint());

      step(err, 3, "Logging in as alice (OAuth device flow against the dev identity provider)");
      CliEnvironment demoEnv =
          env.with(Map.of("HOOP_CONFIG_DIR", dir.resolve("config").toString()));
      ProfileStore store =
          new ProfileStore(
              ConfigDirs.profileDir(demoEnv, ConfigDirs.DEFAULT_PROFILE),
              ConfigDirs.DEFAULT_PROFILE);
      SessionResponse session = login(store, trust, env, err);
      out.println(LoginCommand.summary(trust.brokerUrl(), session));
      out.flush();
      BrokerSession broker = BrokerSession.open(store, env.clock());
      err.println("$ hoop targets");
      err.flush();
      TargetsCommand.print(out, broker.client().targets().targets());
      out.flush();

      step(err, 4, "Connecting to " + target.name() + " for task " + TASK);
      Grant grant =
          broker
              .client()
              .createGrant(new GrantRequest(target.name(), TASK, "hoop demo", 15 * 60, null));
      ConnectCommand.requireApproved(grant);
      try (GrantTunnel tunnel = GrantTunnel.open(broker, grant, 0, err)) {
        ConnectCommand.announce(
            grant,
            LocalEndpoint.tcp(tunnel.localPort()),
            PostgresConnection.database(broker, grant),
            err,
            env);
        err.println();
        target.exercise(tunnel.localPort(), out, err);

        step(err, 5, "The recorded session");
        if (target.recordsSessions()) {
          DemoSessions.show(new SessionsApi(broker), TASK, out, err);
        } else {
          err.println("(the echo service is relayed byte for byte: no statements to record)");
        }

        step(err, 6, "The audit trail");
        err.println("$ hoop audit");
        // The broker records the tunnel's close after the client hung up; give it a moment.
        Thread.sleep(500);
        AuditTable.print(out, broker.client().audit(50));
        out.flush();

        step(err, 7, once ? "Done" : "The tunnel stays open");
        if (once) {
          return ExitCodes.OK;
        }
        String demoConfig = "HOOP_CONFIG_DIR=" + dir.resolve("config");
        String hoop = launcher(env);
        err.println("Try it yourself, in another terminal:");
        target.tryItCommands(tunnel.localPort()).forEach(c -> err.println("  " + c));
        err.println("  " + demoConfig + " " + hoop + " sessions list --task " + TASK);
        err.println(
            "  "
                + demoConfig
                + " "
                + hoop
                + " revoke "
                + grant.id()
                + " --reason 'demo over'   # ends the grant: the next connection is refused");
        err.println("Press Ctrl-C to stop the demo (this also stops the broker and the target).");
        err.flush();
        CompletableFuture<Void> interrupted = new CompletableFuture<>();
        Interrupts interrupts =
            env.installSignalHandlers()
                ? Interrupts.install(() -> interrupted.complete(null))
                : null;
        try {
          int code =
              new Supervisor(grant, tunnel.ended(), env.clock(), err).await(null, interrupted);
          err.println("tunnel closed");
          return code;
        } finally {
          if (interrupts != null) {
            interrupts.close();
          }
        }
      }
    }
  }

  private static SessionResponse login(
      ProfileStore store, Profile trust, CliEnvironment env, PrintWriter err)
      throws InterruptedException {
    ProgressLine progress = new ProgressLine(err, env.redraws());
    SessionResponse session =
        new LoginFlow(Sleeper.REAL, env.clock())
            .login(
                store,
                trust,
                new LoginFlow.Listener() {
                  @Override
                  public void userCode(DeviceAuthorization authorization) {
                    err.println(
                        "To sign in, open "
                            + authorization.verificationUri()
                            + " and enter code "
                            + authorization.userCode());
                    err.println("[demo] completing the verification page as alice");
                    err.flush();
                    DemoEnvironment.approveAs(trust, authorization, "alice");
                  }

                  @Override
                  public void polling(Duration elapsed, Duration interval) {
                    progress.update("Waiting for sign-in", elapsed);
                  }
                });
    progress.done();
    return session;
  }

  private static void step(PrintWriter err, int n, String title) {
    err.println();
    err.println("[" + n + "/" + STEPS + "] " + title);
    err.flush();
  }

  /**
   * How the "try it" lines name hoop so they work as printed: {@code hoop} when that is what PATH
   * finds, else the launcher this process was started from ({@code hoop.home}/bin/hoop).
   */
  static String launcher(CliEnvironment env) {
    String home = System.getProperty("hoop.home");
    if (home == null) {
      return "hoop";
    }
    java.nio.file.Path own = java.nio.file.Path.of(home, "bin", "hoop");
    String path = env.get("PATH");
    if (path != null) {
      for (String dir : path.split(":")) {
        java.nio.file.Path candidate = java.nio.file.Path.of(dir.isEmpty() ? "." : dir, "hoop");
        if (java.nio.file.Files.isExecutable(candidate)) {
          try {
            if (java.nio.file.Files.isSameFile(candidate, own)) {
              return "hoop";
            }
          } catch (java.io.IOException e) {
            // Not comparable: name the launcher itself.
          }
          break;
        }
      }
    }
    String shown = own.toAbsolutePath().normalize().toString();
    return shown.matches("[A-Za-z0-9_./+-]+") ? shown : "'" + shown.replace("'", "'\\''") + "'";
  }
}
