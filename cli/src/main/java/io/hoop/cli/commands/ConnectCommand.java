package io.hoop.cli.commands;

import io.hoop.api.Grant;
import io.hoop.api.GrantRequest;
import io.hoop.cli.CliEnvironment;
import io.hoop.cli.Hoop;
import io.hoop.cli.HoopException;
import io.hoop.cli.broker.BrokerSession;
import io.hoop.cli.connect.ConnectionHints;
import io.hoop.cli.connect.GrantTunnel;
import io.hoop.cli.connect.Interrupts;
import io.hoop.cli.connect.Supervisor;
import io.hoop.cli.output.JsonOutput;
import io.hoop.cli.time.DurationFormat;
import io.hoop.cli.time.DurationParser;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code hoop connect}: asks for a grant and opens a local tunnel to the target. */
@Command(
    name = "connect",
    description = {
      "Request just-in-time access to a target for a task and open a local port to it.",
      "Without a command the tunnel stays open until the grant expires or Ctrl-C.",
      "With '-- CMD ARGS...' the command runs with HOOP_HOST and HOOP_PORT set",
      "(and PGHOST, PGPORT for PostgreSQL targets); hoop exits with its exit code."
    },
    footer = {
      "%nExamples:",
      "  hoop connect demo-db --task DEMO-1",
      "  hoop connect prod-db --task JIRA-123 --duration 1h30m --reason 'fix order 7'",
      "  hoop connect prod-db --task JIRA-123 --port 15432 --role readonly",
      "  hoop connect prod-db --task JIRA-123 -- psql -c 'select count(*) from t'",
      "  hoop connect prod-db --task JIRA-123 -o json    (grant and port as JSON)"
    })
public final class ConnectCommand implements Callable<Integer> {
  @ParentCommand Hoop hoop;
  @Spec CommandSpec spec;
  @Mixin CommonOptions common;
  @Mixin OutputOptions output;

  @Parameters(index = "0", paramLabel = "TARGET", description = "Target name (see hoop targets).")
  String target;

  @Parameters(
      index = "1..*",
      paramLabel = "CMD",
      description = "Command to run through the tunnel, after '--'.")
  List<String> command;

  @Option(
      names = "--task",
      required = true,
      paramLabel = "ID",
      description = "Task the access is for, e.g. JIRA-123 (recorded in the audit log).")
  String task;

  @Option(
      names = "--duration",
      paramLabel = "DURATION",
      converter = DurationParser.class,
      description = "How long the grant should last, e.g. 30m, 1h, 1h30m (default: the target's).")
  Duration duration;

  @Option(
      names = "--port",
      paramLabel = "P",
      defaultValue = "0",
      description = "Local port on 127.0.0.1 (default: a free port).")
  int port;

  @Option(names = "--reason", paramLabel = "TEXT", description = "Why you need access.")
  String reason;

  @Option(
      names = "--role",
      paramLabel = "R",
      description = "Role to request (default: the target's).")
  String role;

  @Override
  public Integer call() throws InterruptedException {
    validate();
    CliEnvironment env = hoop.environment();
    PrintWriter err = spec.commandLine().getErr();
    BrokerSession session = BrokerSession.open(common.store(env), env.clock());
    Grant grant =
        session
            .client()
            .createGrant(
                new GrantRequest(
                    target, task, reason, duration == null ? 0 : duration.toSeconds(), role));
    requireApproved(grant);
    try (GrantTunnel tunnel = GrantTunnel.open(session, grant, port, err)) {
      int localPort = tunnel.localPort();
      announce(grant, localPort, err, env);
      if (output.json()) {
        // One line, so a script can read it with a single `read` and then use the port.
        JsonOutput.printLine(spec.commandLine().getOut(), readyJson(grant, localPort));
      }
      CompletableFuture<Void> interrupted = new CompletableFuture<>();
      Process child = command == null || command.isEmpty() ? null : start(grant, localPort, env);
      // With a child command Ctrl-C belongs to the child; hoop follows when it exits.
      Runnable onInterrupt = child == null ? () -> interrupted.complete(null) : () -> {};
      Interrupts interrupts = env.installSignalHandlers() ? Interrupts.install(onInterrupt) : null;
      try {
        if (child == null) {
          err.println("Tunnel open; press Ctrl-C to close it.");
          err.flush();
        }
        int code =
            new Supervisor(grant, tunnel.ended(), env.clock(), err).await(child, interrupted);
        if (interrupted.isDone()) {
          err.println("tunnel closed");
          err.flush();
        }
        return code;
      } finally {
        if (interrupts != null) {
          interrupts.close();
        }
      }
    }
  }

  private void validate() {
    if (task.isBlank() || task.length() > 128 || task.chars().anyMatch(Character::isISOControl)) {
      throw new HoopException.Usage(
          "invalid --task value: expected a task id such as JIRA-123 (1-128 printable characters)");
    }
    if (port < 0 || port > 65535) {
      throw new HoopException.Usage(
          "--port " + port + " must be in 0..65535 (0 picks a free port)");
    }
  }

  static void requireApproved(Grant grant) {
    if (grant.status() == null) {
      throw new HoopException("broker returned grant " + grant.id() + " without a status");
    }
    switch (grant.status()) {
      case APPROVED:
        return;
      case DENIED:
        throw new HoopException.Denied(
            "access to "
                + grant.target()
                + " denied: "
                + (grant.decisionReason() == null ? "no reason given" : grant.decisionReason()));
      case PENDING:
        throw new HoopException.Pending(
            "request " + grant.id() + " is pending approval; ask a reviewer to approve it");
      default:
        throw new HoopException.GrantEnded(
            "grant " + grant.id() + " is already " + grant.status().name().toLowerCase());
    }
  }

  static void announce(Grant grant, int localPort, PrintWriter err, CliEnvironment env) {
    err.println(
        "Grant "
            + grant.id()
            + " for "
            + grant.target()
            + " (task "
            + grant.task()
            + ") approved until "
            + DurationFormat.local(grant.expiresAt())
            + " ("
            + DurationFormat.compact(Duration.between(env.clock().instant(), grant.expiresAt()))
            + ")");
    ConnectionHints.lines(grant, localPort).forEach(err::println);
    err.flush();
  }

  static Map<String, Object> readyJson(Grant grant, int localPort) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("grant", grant.withoutToken());
    json.put("localAddress", ConnectionHints.HOST + ":" + localPort);
    json.put("host", ConnectionHints.HOST);
    json.put("port", localPort);
    return json;
  }

  private Process start(Grant grant, int localPort, CliEnvironment env) {
    ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
    // The child sees hoop's environment as given (tests pass their own), plus the tunnel's.
    builder.environment().clear();
    builder.environment().putAll(env.env());
    builder.environment().putAll(ConnectionHints.environment(grant, localPort, env.env()));
    try {
      return builder.start();
    } catch (IOException e) {
      throw new HoopException(
          "cannot run "
              + command.get(0)
              + ": "
              + e.getMessage()
              + " (is it installed and on PATH?)",
          e);
    }
  }
}
