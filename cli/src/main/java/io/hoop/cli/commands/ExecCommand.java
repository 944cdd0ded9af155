package io.hoop.cli.commands;

import io.hoop.api.Grant;
import io.hoop.api.GrantRequest;
import io.hoop.api.GrantStatus;
import io.hoop.api.TargetConnection;
import io.hoop.cli.CliEnvironment;
import io.hoop.cli.Hoop;
import io.hoop.cli.HoopException;
import io.hoop.cli.broker.BrokerSession;
import io.hoop.cli.connect.ApprovalWait;
import io.hoop.cli.connect.GrantLease;
import io.hoop.cli.connect.GrantTunnel;
import io.hoop.cli.connect.Interrupts;
import io.hoop.cli.connect.SocketTarget;
import io.hoop.cli.connect.Supervisor;
import io.hoop.cli.kubernetes.KubeAccess;
import io.hoop.cli.ssh.SshAccess;
import io.hoop.cli.time.DurationParser;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code hoop exec}: one command on an ssh target (or a local kubectl against a kubernetes target)
 * through the broker, for CI and agents.
 */
@Command(
    name = "exec",
    description = {
      "Run one command on an ssh target through the broker under a new grant for a",
      "task, then release the grant. stdout and stderr stream as the command writes",
      "them; the remote command's exit status is hoop's. Like ssh, the words after",
      "'--' are joined with spaces and the remote shell parses them: quote for it.",
      "hoop runs the system ssh with a key made for this grant alone (removed on",
      "exit) against a 127.0.0.1 port whose broker end admits only that key.",
      "When the grant needs approval hoop waits (--no-wait: fail at once).",
      "On a kubernetes target the command runs here, as given (no shell), with",
      "KUBECONFIG set to the grant's kubeconfig; its exit status is hoop's."
    },
    footer = {
      "%nExamples:",
      "  hoop exec web-1 --task OPS-7 -- uptime",
      "  hoop exec web-1 --task OPS-7 --role deploy -- systemctl restart app",
      "  hoop exec web-1 --task CI-42 --no-wait -- 'cd /srv/app && git log -1'",
      "  hoop exec web-1 --task OPS-7 -- cat /var/log/app.log > app.log",
      "  hoop exec k8s-prod --task CI-42 -- kubectl rollout status deploy/web",
      "%nExit status:",
      "  0-254  the remote command's exit status (as ssh reports it)",
      "  255    the command did not run to an exit status: hoop's own failure",
      "         (not logged in, denied, pending approval, grant ended, bad usage;",
      "         stderr ends '[hoop exec: KIND, exit 255]') or ssh's (connection,",
      "         host key, remote command killed by a signal: ssh's own message)",
      "  A command the target's policy refuses exits 1 with the broker's reason."
    })
public final class ExecCommand implements Callable<Integer> {
  @ParentCommand Hoop hoop;
  @Spec CommandSpec spec;
  @Mixin CommonOptions common;

  @Parameters(
      index = "0",
      paramLabel = "TARGET",
      description = "The ssh target (see hoop targets).")
  String target;

  @Parameters(
      index = "1..*",
      arity = "1..*",
      paramLabel = "COMMAND",
      description = "The command to run on the target, after '--'.")
  List<String> command;

  @Option(
      names = "--task",
      required = true,
      paramLabel = "ID",
      description = "Task the access is for, e.g. OPS-7 (recorded in the audit log).")
  String task;

  @Option(
      names = "--role",
      paramLabel = "R",
      description = "Role to request (default: the target's).")
  String role;

  @Option(
      names = "--duration",
      paramLabel = "DURATION",
      converter = DurationParser.class,
      description = "How long the grant may last at most, e.g. 10m (default: the target's).")
  Duration duration;

  @Option(names = "--reason", paramLabel = "TEXT", description = "Why you need access.")
  String reason;

  @Option(
      names = "--no-wait",
      description = "If the request needs approval, fail (exit 255) instead of waiting.")
  boolean noWait;

  @Override
  public Integer call() {
    try {
      return run();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ExecExit.failed(new HoopException("interrupted", e));
    } catch (RuntimeException e) {
      throw ExecExit.failed(e);
    }
  }

  private int run() throws InterruptedException {
    if (task.isBlank() || task.length() > 128 || task.chars().anyMatch(Character::isISOControl)) {
      throw new HoopException.Usage(
          "invalid --task value: expected a task id such as OPS-7 (1-128 printable characters)");
    }
    CliEnvironment env = hoop.environment();
    PrintWriter err = spec.commandLine().getErr();
    BrokerSession session = BrokerSession.open(common.store(env), env.clock());
    // Before any grant: a target that is not an ssh engine target costs no grant.
    TargetConnection connection = SocketTarget.lookup(session, target);
    boolean kubernetes = KubeAccess.TYPE.equals(connection.engine());
    if (!SshAccess.ENGINE.equals(connection.engine()) && !kubernetes) {
      throw new HoopException.Usage(
          "hoop exec runs commands on ssh targets (and kubectl on kubernetes targets); "
              + target
              + " is a "
              + connection.type()
              + " target: use hoop connect "
              + target
              + " --task "
              + task
              + " -- COMMAND");
    }
    try (GrantTunnel tunnel = GrantTunnel.listen(session, 0, err)) {
      Grant grant =
          session
              .client()
              .createGrant(
                  new GrantRequest(
                      target, task, reason, duration == null ? 0 : duration.toSeconds(), role));
      ApprovalWait.requireUsable(grant);
      try (GrantLease lease =
          GrantLease.hold(session.client(), grant, GrantLease.Mode.RELEASE, err)) {
        lease.endedBecause("hoop exec failed");
        try {
          if (grant.status() == GrantStatus.PENDING) {
            PendingNotice.announce(grant, err);
            lease.endedBecause("withdrawn: the requester stopped waiting for approval");
            if (noWait) {
              throw new HoopException.Pending(
                  "request " + grant.id() + " needs approval and --no-wait was given; withdrawn");
            }
            grant = PendingNotice.await(session, grant, env, err, false);
          }
          ConnectCommand.requireApproved(grant);
          if (kubernetes) {
            try (KubeAccess kube = KubeAccess.prepare(grant, tunnel.localPort(), env.env())) {
              if (kube == null) {
                throw new HoopException(
                    "grant " + grant.id() + " is for a " + grant.targetType() + " target");
              }
              tunnel.serve(grant, null);
              lease.endedBecause("hoop exec finished");
              return ExecExit.ofSsh(runLocal(kube, grant, tunnel, env, err));
            }
          }
          try (SshAccess ssh =
              SshAccess.prepare(connection, target, tunnel.localPort(), env.env())) {
            tunnel.serve(grant, ssh.key().publicKey());
            lease.endedBecause("hoop exec finished");
            return ExecExit.ofSsh(runSsh(ssh, grant, tunnel, env, err));
          }
        } catch (HoopException.Denied | HoopException.GrantEnded e) {
          lease.grantEnded();
          throw e;
        }
      }
    }
  }

  /** The system ssh against the grant's port; hoop follows it (Ctrl-C goes to ssh). */
  private int runSsh(
      SshAccess ssh, Grant grant, GrantTunnel tunnel, CliEnvironment env, PrintWriter err)
      throws InterruptedException {
    List<String> argv = sshCommand(ssh.files().config().toString(), ssh.files().alias(), command);
    ProcessBuilder builder = new ProcessBuilder(argv).inheritIO().redirectInput(env.childInput());
    builder.environment().clear();
    builder.environment().putAll(env.env());
    Process child;
    try {
      child = builder.start();
    } catch (IOException e) {
      throw new HoopException(
          "cannot run ssh: " + e.getMessage() + " (hoop exec needs the OpenSSH client on PATH)", e);
    }
    Interrupts interrupts = env.installSignalHandlers() ? Interrupts.install(() -> {}) : null;
    try {
      return new Supervisor(grant, tunnel.ended(), env.clock(), err)
          .await(child, new CompletableFuture<>());
    } finally {
      if (interrupts != null) {
        interrupts.close();
      }
    }
  }

  /** The command here, as given, with the grant's KUBECONFIG; hoop follows it. */
  private int runLocal(
      KubeAccess kube, Grant grant, GrantTunnel tunnel, CliEnvironment env, PrintWriter err)
      throws InterruptedException {
    ProcessBuilder builder =
        new ProcessBuilder(command).inheritIO().redirectInput(env.childInput());
    builder.environment().clear();
    builder.environment().putAll(env.env());
    builder.environment().putAll(kube.environment());
    Process child;
    try {
      child = builder.start();
    } catch (IOException e) {
      throw new HoopException(
          "cannot run " + command.get(0) + ": " + e.getMessage() + " (is it on PATH?)", e);
    }
    Interrupts interrupts = env.installSignalHandlers() ? Interrupts.install(() -> {}) : null;
    try {
      return new Supervisor(grant, tunnel.ended(), env.clock(), err)
          .await(child, new CompletableFuture<>());
    } finally {
      if (interrupts != null) {
        interrupts.close();
      }
    }
  }

  /**
   * {@code ssh -F CONFIG -o BatchMode=yes -T -- ALIAS WORDS...}: never prompts (no terminal in CI),
   * no pty, and after {@code --} neither the alias nor the command is read as an ssh option.
   */
  static List<String> sshCommand(String config, String alias, List<String> words) {
    List<String> argv = new ArrayList<>();
    argv.add("ssh");
    argv.add("-F");
    argv.add(config);
    argv.add("-o");
    argv.add("BatchMode=yes");
    argv.add("-T");
    argv.add("--");
    argv.add(alias);
    argv.addAll(words);
    return argv;
  }
}
