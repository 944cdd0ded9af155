package io.hoop.cli.commands;

import io.hoop.api.Grant;
import io.hoop.api.GrantRequest;
import io.hoop.api.GrantStatus;
import io.hoop.api.TargetConnection;
import io.hoop.cli.CliEnvironment;
import io.hoop.cli.ExitCodes;
import io.hoop.cli.Hoop;
import io.hoop.cli.HoopException;
import io.hoop.cli.auth.Sleeper;
import io.hoop.cli.broker.BrokerSession;
import io.hoop.cli.connect.ApprovalWait;
import io.hoop.cli.connect.GrantLease;
import io.hoop.cli.connect.GrantTunnel;
import io.hoop.cli.connect.Interrupts;
import io.hoop.cli.connect.SocketDirectory;
import io.hoop.cli.connect.SocketTarget;
import io.hoop.cli.connect.Supervisor;
import io.hoop.cli.kubernetes.KubeAccess;
import io.hoop.cli.output.GrantMessages;
import io.hoop.cli.postgres.ResultRenderer;
import io.hoop.cli.postgres.SqlScript;
import io.hoop.cli.sessions.SessionsApi;
import io.hoop.cli.ssh.ProxyCommand;
import io.hoop.cli.ssh.SshAccess;
import io.hoop.cli.ssh.SshConfigText;
import io.hoop.cli.time.DurationParser;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code hoop exec}: one command on an ssh target, or a SQL script on a postgres target, through
 * the broker, for CI and agents.
 */
@Command(
    name = "exec",
    description = {
      "Run one command under a short-lived grant, then release it.",
      "On an ssh target the command runs there, through the broker, under a new grant",
      "for a task. stdout and stderr stream as the command writes",
      "them; the remote command's exit status is hoop's. Like ssh, the words after",
      "'--' are joined with spaces and the remote shell parses them: quote for it.",
      "hoop runs the system ssh with a key made for this grant alone; ssh reaches the",
      "broker through hoop itself (a ProxyCommand relaying to a private socket), so",
      "no local port is opened. Key, known_hosts and socket live in a 0700 directory",
      "removed on exit, Ctrl-C and SIGTERM included. When the grant needs approval",
      "hoop waits (--no-wait: fail at once).",
      "On a kubernetes target the command runs here, as given (no shell), with",
      "KUBECONFIG set to the grant's kubeconfig; its exit status is hoop's.",
      "On a postgres target (the broker's postgres engine) hoop runs the SQL of -c",
      "or -f itself, without psql and without a local port: one Query per statement,",
      "split as psql splits (quotes, E'' strings, $$$$ bodies, comments; a broken",
      "script runs nothing), under the broker's guardrails, masking and review holds.",
      "Results go to stdout (-o table, json or csv), notices and errors to stderr; it",
      "stops at the first failed or blocked statement unless --continue-on-error. A",
      "held statement waits for its reviewer; Ctrl-C cancels the running statement",
      "or the hold."
    },
    footer = {
      "%nExamples:",
      "  hoop exec web-1 --task OPS-7 -- uptime",
      "  hoop exec web-1 --task OPS-7 --role deploy -- systemctl restart app",
      "  hoop exec web-1 --task CI-42 --no-wait -- 'cd /srv/app && git log -1'",
      "  hoop exec web-1 --task OPS-7 -- cat /var/log/app.log > app.log",
      "  hoop exec k8s-prod --task CI-42 -- kubectl rollout status deploy/web",
      "  hoop exec prod-db --task CI-42 -c 'select id, email from customers limit 5'",
      "  hoop exec prod-db --task CI-42 -f migrate.sql --continue-on-error",
      "  hoop exec prod-db --task CI-42 -o json -f report.sql > report.json",
      "  hoop exec prod-db --task CI-42 -o csv -c 'select * from orders' > orders.csv",
      "%nExit status:",
      "  0-254  the remote command's exit status (as ssh reports it)",
      "  126    also: the broker refused the command by policy, confirmed by the",
      "         session's record (stderr ends '[hoop exec: refused by policy, exit",
      "         126]'); without that line, a remote command's own 126",
      "  255    the command did not run to an exit status: hoop's own failure",
      "         (not logged in, denied, pending approval, grant ended, bad usage;",
      "         stderr ends '[hoop exec: KIND, exit 255]') or ssh's (connection,",
      "         host key, remote command killed by a signal: ssh's own message)",
      "         or Ctrl-C ('[hoop exec: interrupted, exit 255]')",
      "%nExit status on a postgres target:",
      "  0    every statement ran",
      "  1    a statement failed on the target (stderr ends '[hoop exec:",
      "       statement failed, exit 1]')",
      "  126  the broker blocked a statement (a guardrail, or a held statement not",
      "       approved), confirmed by the session's record",
      "  255  hoop's own failure, the session ended (grant expired), or Ctrl-C"
    })
public final class ExecCommand implements Callable<Integer> {
  @ParentCommand Hoop hoop;
  @Spec CommandSpec spec;
  @Mixin CommonOptions common;

  @Parameters(
      index = "0",
      paramLabel = "TARGET",
      description = "The ssh, kubernetes or postgres target (see hoop targets).")
  String target;

  @Parameters(
      index = "1..*",
      arity = "0..*",
      paramLabel = "COMMAND",
      description = "The command to run on the target, after '--' (not for postgres targets).")
  List<String> command;

  @Option(
      names = "-c",
      paramLabel = "SQL",
      description = "postgres targets: the SQL to run (one or more statements).")
  String sql;

  @Option(
      names = "-f",
      paramLabel = "FILE",
      description = "postgres targets: a file of SQL statements to run ('-' reads stdin).")
  Path sqlFile;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      description =
          "postgres targets: results as ${COMPLETION-CANDIDATES} (default: table, like psql).")
  ResultRenderer.Format output;

  @Option(
      names = "--continue-on-error",
      description = "postgres targets: run the remaining statements after one fails or is blocked.")
  boolean continueOnError;

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
    boolean hasCommand = command != null && !command.isEmpty();
    if (sql != null && sqlFile != null) {
      throw new HoopException.Usage("give the SQL with -c or with -f, not both");
    }
    boolean hasSql = sql != null || sqlFile != null;
    if (hasSql && hasCommand) {
      throw new HoopException.Usage(
          "-c/-f run SQL on a postgres target; a COMMAND after '--' is for ssh and kubernetes"
              + " targets: give one or the other");
    }
    // A script that cannot be split costs no grant (and never runs half-way).
    List<SqlScript.Statement> statements = hasSql ? statements(env) : null;
    BrokerSession session = BrokerSession.open(common.store(env), env.clock());
    // Before any grant: a target that is not an ssh engine target costs no grant.
    TargetConnection connection = SocketTarget.lookup(session, target);
    if (POSTGRES_ENGINE.equals(connection.engine())) {
      if (!hasSql) {
        throw new HoopException.Usage(
            target
                + " is a postgres target: give the SQL with -c SQL or -f FILE (hoop connect "
                + target
                + " --task "
                + task
                + " -- psql ... for an interactive session)");
      }
      return runPostgres(session, connection, statements, env, err);
    }
    if (hasSql || output != null || continueOnError) {
      throw new HoopException.Usage(
          "-c, -f, -o and --continue-on-error run SQL through the broker's postgres engine; "
              + target
              + " is a "
              + connection.type()
              + " target relayed by the "
              + connection.engine()
              + " engine"
              + (io.hoop.cli.connect.ConnectionHints.isPostgres(connection.type())
                  ? " (raw bytes): use hoop connect "
                      + target
                      + " --task "
                      + task
                      + " -- psql -c SQL"
                  : ": give a COMMAND after '--'"));
    }
    if (!hasCommand) {
      throw new HoopException.Usage(
          "missing COMMAND: hoop exec " + target + " --task " + task + " -- COMMAND [ARGS...]");
    }
    if (KubeAccess.TYPE.equals(connection.engine())) {
      // kubectl needs a TCP port for its kubeconfig; the grant's tunnel listens on 127.0.0.1.
      try (GrantTunnel tunnel = GrantTunnel.listen(session, 0, err)) {
        return withGrant(
            session,
            tunnel,
            err,
            (grant, lease) -> {
              try (KubeAccess kube = KubeAccess.prepare(grant, tunnel.localPort(), env.env())) {
                if (kube == null) {
                  throw new HoopException(
                      "grant " + grant.id() + " is for a " + grant.targetType() + " target");
                }
                tunnel.serve(grant, null);
                lease.endedBecause("hoop exec finished");
                return ExecExit.ofSsh(runLocal(kube, grant, tunnel, env, err));
              }
            });
      }
    }
    if (!SshAccess.ENGINE.equals(connection.engine())) {
      throw new HoopException.Usage(
          "hoop exec runs commands on ssh targets, SQL (-c/-f) on postgres targets of the"
              + " broker's postgres engine, and local commands such as kubectl with a kubernetes"
              + " target's KUBECONFIG; "
              + target
              + " is a "
              + connection.type()
              + " target: use hoop connect "
              + target
              + " --task "
              + task
              + " -- COMMAND");
    }
    // The key files and the tunnel's socket share one private directory, removed at the end; a
    // socket that cannot be made costs no grant.
    try (SshAccess ssh =
            SshAccess.prepare(connection, target, SshConfigText.PROXIED_PORT, env.env());
        Cleanup cleanup = new Cleanup(ssh);
        GrantTunnel tunnel = GrantTunnel.listen(session, ssh.files().socket(), err)) {
      return withGrant(
          session,
          tunnel,
          err,
          (grant, lease) -> {
            tunnel.serve(grant, ssh.key().publicKey());
            lease.endedBecause("hoop exec finished");
            return runSsh(session, ssh, grant, tunnel, cleanup, env, err);
          });
    }
  }

  private static final String POSTGRES_ENGINE = "postgres";

  /** The largest script -f reads. */
  static final int MAX_SCRIPT_BYTES = 64 * 1024 * 1024;

  /** The statements of -c or -f, split and checked. */
  private List<SqlScript.Statement> statements(CliEnvironment env) {
    String text = sql != null ? sql : readScript(env);
    List<SqlScript.Statement> statements;
    try {
      statements = SqlScript.split(text);
    } catch (SqlScript.ScriptException e) {
      throw new HoopException.Usage(
          (sql != null ? "-c" : "-f " + sqlFile) + ": " + e.getMessage() + "; nothing was run");
    }
    if (statements.isEmpty()) {
      throw new HoopException.Usage(
          (sql != null ? "-c" : "-f " + sqlFile) + " holds no SQL statement");
    }
    return statements;
  }

  private String readScript(CliEnvironment env) {
    byte[] bytes;
    try {
      if (sqlFile.toString().equals("-")) {
        bytes = env.stdin().readNBytes(MAX_SCRIPT_BYTES + 1);
      } else {
        if (Files.size(sqlFile) > MAX_SCRIPT_BYTES) {
          bytes = new byte[MAX_SCRIPT_BYTES + 1];
        } else {
          bytes = Files.readAllBytes(sqlFile);
        }
      }
    } catch (IOException e) {
      throw new HoopException.Usage("-f " + sqlFile + ": cannot read it: " + e.getMessage());
    }
    if (bytes.length > MAX_SCRIPT_BYTES) {
      throw new HoopException.Usage(
          "-f " + sqlFile + " is larger than " + (MAX_SCRIPT_BYTES >> 20) + " MiB; split it");
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new HoopException.Usage("-f " + sqlFile + " is not UTF-8 text; nothing was run");
    }
  }

  /**
   * The grant's tunnel on a socket in a private directory (no port), a PostgreSQL session over it,
   * the statements one by one.
   */
  private int runPostgres(
      BrokerSession session,
      TargetConnection connection,
      List<SqlScript.Statement> statements,
      CliEnvironment env,
      PrintWriter err)
      throws InterruptedException {
    try (SocketDirectory dir = SocketDirectory.open(null, target, connection.type(), 0, env.env());
        GrantTunnel tunnel = GrantTunnel.listen(session, dir.socket(), err)) {
      dir.bound();
      return withGrant(
          session,
          tunnel,
          err,
          (grant, lease) -> {
            tunnel.serve(grant);
            lease.endedBecause("hoop exec finished");
            return new PostgresExec(
                    session,
                    target,
                    env,
                    spec.commandLine().getOut(),
                    err,
                    output == null ? ResultRenderer.Format.table : output,
                    continueOnError)
                .run(statements, connection.database(), grant, tunnel, dir.socket());
          });
    }
  }

  /** What runs once the grant is approved and held. */
  private interface GrantedRun {
    int run(Grant grant, GrantLease lease) throws InterruptedException;
  }

  /**
   * Asks for the grant, waits for its approval (unless --no-wait), runs {@code body} while holding
   * it, and releases it at the end.
   */
  private int withGrant(BrokerSession session, GrantTunnel tunnel, PrintWriter err, GrantedRun body)
      throws InterruptedException {
    CliEnvironment env = hoop.environment();
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
        GrantMessages.capped(duration, grant).ifPresent(err::println);
        return body.run(grant, lease);
      } catch (HoopException.Denied | HoopException.GrantEnded e) {
        lease.grantEnded();
        throw e;
      }
    }
  }

  /**
   * The system ssh with the tunnel as its ProxyCommand; hoop follows it. Ctrl-C reaches ssh from
   * the terminal; hoop ends it too (a Ctrl-C sent to hoop alone), then exits 255.
   */
  private int runSsh(
      BrokerSession session,
      SshAccess ssh,
      Grant grant,
      GrantTunnel tunnel,
      Cleanup cleanup,
      CliEnvironment env,
      PrintWriter err)
      throws InterruptedException {
    List<String> argv =
        sshCommand(
            ssh.files().config().toString(),
            ssh.files().alias(),
            ProxyCommand.forSocket(ssh.files().socket()),
            command);
    ProcessBuilder builder =
        new ProcessBuilder(argv)
            .redirectInput(env.childInput())
            .redirectOutput(ProcessBuilder.Redirect.INHERIT)
            .redirectError(ProcessBuilder.Redirect.PIPE);
    builder.environment().clear();
    builder.environment().putAll(env.env());
    Process child;
    try {
      child = builder.start();
    } catch (IOException e) {
      throw new HoopException(
          "cannot run ssh: " + e.getMessage() + " (hoop exec needs the OpenSSH client on PATH)", e);
    }
    cleanup.follow(child);
    StderrRelay stderr = new StderrRelay(child.getErrorStream(), err);
    Thread relay = stderr.start();
    CompletableFuture<Void> interrupted = new CompletableFuture<>();
    Interrupts interrupts =
        env.installSignalHandlers() ? Interrupts.install(() -> interrupted.complete(null)) : null;
    int status;
    try {
      status = new Supervisor(grant, tunnel.ended(), env.clock(), err).await(child, interrupted);
    } finally {
      if (interrupts != null) {
        interrupts.close();
      }
    }
    if (interrupted.isDone() && child.isAlive()) {
      Cleanup.end(child);
      relay.join(RELAY_JOIN.toMillis());
      throw new HoopException.ExecFailed(
          "interrupted (Ctrl-C): ssh was ended; a remote command without a terminal may still"
              + " be running on "
              + target
              + " [hoop exec: interrupted, exit 255]",
          null);
    }
    relay.join(RELAY_JOIN.toMillis());
    if (stderr.sawRefusal()) {
      Optional<String> refused =
          ExecRefusal.confirm(new SessionsApi(session), tunnel.sessionIds(), Sleeper.REAL);
      if (refused.isPresent()) {
        err.println(
            "hoop: the broker refused the command on "
                + target
                + " by policy, as its session record says (hoop sessions show "
                + refused.get()
                + ") [hoop exec: refused by policy, exit "
                + ExitCodes.EXEC_REFUSED
                + "]");
        err.flush();
        return ExitCodes.EXEC_REFUSED;
      }
    }
    return ExecExit.ofSsh(status);
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
   * {@code ssh -F CONFIG -o BatchMode=yes -o ProxyCommand=RELAY -o HostKeyAlias=ALIAS -T -- ALIAS
   * WORDS...}: never prompts (no terminal in CI), reaches the broker through the relay instead of a
   * port (options on the command line win over the config file's {@code ProxyCommand none}), looks
   * the broker's host key up under the alias (the pinned line names it), no pty, and after {@code
   * --} neither the alias nor the command is read as an ssh option.
   */
  static List<String> sshCommand(
      String config, String alias, String proxyCommand, List<String> words) {
    List<String> argv = new ArrayList<>();
    argv.add("ssh");
    argv.add("-F");
    argv.add(config);
    argv.add("-o");
    argv.add("BatchMode=yes");
    argv.add("-o");
    argv.add("ProxyCommand=" + proxyCommand);
    argv.add("-o");
    argv.add("HostKeyAlias=" + alias);
    argv.add("-T");
    argv.add("--");
    argv.add(alias);
    argv.addAll(words);
    return argv;
  }

  /** How long hoop waits for the last of ssh's stderr after ssh exited. */
  private static final Duration RELAY_JOIN = Duration.ofSeconds(5);

  /**
   * Removes the key, known_hosts and socket also when hoop is ended by a signal (SIGTERM, SIGHUP;
   * Ctrl-C is handled in {@link #runSsh}), ending ssh first: a JVM that is shutting down does not
   * run the {@code finally} blocks of the command.
   */
  private static final class Cleanup implements AutoCloseable {
    private final SshAccess ssh;
    private final Thread hook;
    private volatile Process child;

    Cleanup(SshAccess ssh) {
      this.ssh = ssh;
      this.hook =
          new Thread(
              () -> {
                Process p = child;
                if (p != null) {
                  end(p);
                }
                ssh.close();
              },
              "hoop-exec-cleanup");
      Runtime.getRuntime().addShutdownHook(hook);
    }

    void follow(Process process) {
      this.child = process;
    }

    static void end(Process p) {
      p.destroy();
      try {
        if (!p.waitFor(2, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public void close() {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // Shutting down: the hook runs (or ran) and removes the files itself.
      }
    }
  }
}
