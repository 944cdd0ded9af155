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
import io.hoop.cli.connect.ConnectionHints;
import io.hoop.cli.connect.DirectAccess;
import io.hoop.cli.connect.GrantLease;
import io.hoop.cli.connect.GrantTunnel;
import io.hoop.cli.connect.Interrupts;
import io.hoop.cli.connect.LocalEndpoint;
import io.hoop.cli.connect.RevocationWatch;
import io.hoop.cli.connect.SocketDirectory;
import io.hoop.cli.connect.SocketTarget;
import io.hoop.cli.connect.Supervisor;
import io.hoop.cli.kubernetes.KubeAccess;
import io.hoop.cli.output.GrantMessages;
import io.hoop.cli.output.JsonOutput;
import io.hoop.cli.sessions.PostgresConnection;
import io.hoop.cli.ssh.SshAccess;
import io.hoop.cli.ssh.SshHints;
import io.hoop.cli.ssh.UserSshConfig;
import io.hoop.cli.time.DurationFormat;
import io.hoop.cli.time.DurationParser;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
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
      "Open a local port to a target under a just-in-time grant.",
      "The grant is asked for a task (--task) and lasts as the target's policy allows.",
      "Without a command the tunnel stays open until the grant expires or Ctrl-C.",
      "The local port is bound before the grant is asked for; the grant is released",
      "when hoop exits (the command's exit, Ctrl-C, SIGTERM) unless --keep; a live",
      "grant of yours for the same target, role and task is reused instead of asking",
      "again (--new asks).",
      "With '-- CMD ARGS...' the command runs with HOOP_HOST and HOOP_PORT set",
      "(and PGHOST, PGPORT, PGUSER, PGDATABASE, PGSSLMODE for PostgreSQL targets);",
      "hoop exits with its exit code.",
      "When the request needs approval, hoop says who may approve it and waits",
      "(Ctrl-C stops waiting and withdraws the request; with --keep resume it later",
      "with --request ID).",
      "With --unix-socket it listens on a Unix socket only you can reach, not a port;",
      "a command then gets HOOP_SOCKET instead of HOOP_HOST and HOOP_PORT, and PGHOST",
      "is the socket's directory for PostgreSQL targets.",
      "For ssh targets hoop makes a key pair for the grant and a known_hosts file",
      "pinning the broker's host key for the target (both removed on exit) and",
      "prints ssh, scp and sftp lines and an ssh_config Host block. A command after",
      "'--' gets HOOP_SSH_HOST, HOOP_SSH_PORT, HOOP_SSH_USER, HOOP_SSH_KEY,",
      "HOOP_SSH_KNOWN_HOSTS, HOOP_SSH_CONFIG (an ssh_config file) and",
      "GIT_SSH_COMMAND; ssh, scp and sftp run with -F HOOP_SSH_CONFIG, so",
      "'ssh TARGET' works as is.",
      "For kubernetes targets hoop writes a kubeconfig for the grant (cluster at the",
      "local port, a context named after target and grant, no credential in it;",
      "removed on exit) and prints export KUBECONFIG=...; a command after '--' gets",
      "KUBECONFIG."
    },
    footer = {
      "%nExamples:",
      "  hoop connect demo-db --task DEMO-1",
      "  hoop connect prod-db --task JIRA-123 --duration 1h30m --reason 'fix order 7'",
      "  hoop connect prod-db --task JIRA-123 --port 15432 --role readonly",
      "  hoop connect prod-db --task JIRA-123 -- psql -c 'select count(*) from t'",
      "  hoop connect prod-db --task JIRA-123 -o json    (grant and port as JSON)",
      "  hoop connect prod-db --task JIRA-123 --unix-socket -- psql",
      "  hoop connect prod-db --task JIRA-123 --unix-socket --socket-dir ~/.hoop-sock",
      "  hoop connect prod-db --task JIRA-123 --keep -- psql  (the grant outlives it)",
      "  hoop connect prod-db --task JIRA-123 --no-wait       (prints its id, exits 4)",
      "  hoop connect --request g-4f2k9x -- psql         (resume once it is approved)",
      "  hoop connect prod-db --task INC-7 --break-glass --reason 'primary down'",
      "  hoop connect web-1 --task OPS-7                 (prints ssh, scp, sftp lines)",
      "  hoop connect web-1 --task OPS-7 --ssh-config    (then plain: ssh web-1)",
      "  hoop connect web-1 --task OPS-7 -- ssh web-1 uptime",
      "  hoop connect web-1 --task OPS-7 -- scp app.tar.gz web-1:/tmp/",
      "  hoop connect web-1 --task OPS-7 -- git clone web-1:/srv/repo.git",
      "  hoop connect k8s-prod --task OPS-9              (prints export KUBECONFIG=...)",
      "  hoop connect k8s-prod --task OPS-9 -- kubectl get pods",
      "  hoop connect prod-db --task JIRA-123 --direct   (psql/JDBC line to the broker)",
      "%nEnvironment:",
      "  HOOP_BROKER_REPLICAS=hoop-b:8443,hoop-c:8443",
      "      other broker replicas: a new connection that cannot reach the broker",
      "      (every address its name resolves to) goes to the next one, and so do",
      "      API calls (renewal, revocation watch; every command's too)"
    })
public final class ConnectCommand implements Callable<Integer> {
  @ParentCommand Hoop hoop;
  @Spec CommandSpec spec;
  @Mixin CommonOptions common;
  @Mixin OutputOptions output;

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "TARGET",
      description = "Target name (see hoop targets); not needed with --request.")
  String target;

  @Parameters(
      index = "1..*",
      paramLabel = "CMD",
      description = "Command to run through the tunnel, after '--'.")
  List<String> command;

  @Option(
      names = "--task",
      paramLabel = "ID",
      description =
          "Task the access is for, e.g. JIRA-123 (recorded in the audit log); required"
              + " unless --request is given.")
  String task;

  @Option(
      names = "--request",
      paramLabel = "ID",
      description =
          "Resume an earlier request (from --no-wait or Ctrl-C) instead of asking again: wait"
              + " while it is pending, connect once it is approved.")
  String request;

  @Option(
      names = "--no-wait",
      description = "If the request needs approval, print its id and exit 4 instead of waiting.")
  boolean noWait;

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
      description =
          "Local port on 127.0.0.1 (default: a free port); with --unix-socket only the port in"
              + " a PostgreSQL socket's name, .s.PGSQL.P (default: 5432).")
  int port;

  @Option(
      names = "--unix-socket",
      description =
          "Listen on a Unix socket only you can connect to instead of 127.0.0.1 (for shared"
              + " hosts); PostgreSQL targets get libpq's socket name, so psql finds it with"
              + " host=DIR.")
  boolean unixSocket;

  @Option(
      names = "--socket-dir",
      paramLabel = "DIR",
      description =
          "Directory for the --unix-socket socket: one you own that others cannot write to; kept"
              + " afterwards (default: a new private directory in $XDG_RUNTIME_DIR or the temp"
              + " directory, removed afterwards).")
  Path socketDir;

  @Option(names = "--reason", paramLabel = "TEXT", description = "Why you need access.")
  String reason;

  @Option(
      names = "--break-glass",
      description =
          "Emergency access now, on targets that allow it (needs --reason): short, notified at"
              + " once, reviewed afterwards.")
  boolean breakGlass;

  @Option(
      names = "--role",
      paramLabel = "R",
      description = "Role to request (default: the target's).")
  String role;

  @Option(
      names = "--keep",
      description =
          "Keep the grant when hoop exits, until it expires (a later hoop connect for the same"
              + " target, role and task reuses it); without it the grant is released when the"
              + " command exits, on Ctrl-C or SIGTERM, and a request still waiting for approval is"
              + " withdrawn.")
  boolean keep;

  @Option(
      names = "--ssh-config",
      description =
          "For ssh targets: also put the grant's Host block at the top of ~/.ssh/config, between"
              + " marker lines, for the grant's life (removed when hoop exits; other runs' blocks"
              + " and your own lines are left alone), so ssh TARGET works in any terminal.")
  boolean sshConfig;

  @Option(
      names = "--direct",
      description =
          "For postgres targets: no local port; print a connection string (psql, PGPASSWORD,"
              + " JDBC) to the broker's own PostgreSQL port with a password bound to the grant,"
              + " shown once, verified with sslmode=verify-full. The grant is kept until it"
              + " expires (end it early with hoop revoke); the password dies with it.")
  boolean direct;

  @Option(
      names = "--new",
      description =
          "Always ask for a new grant, even when a live one of yours for the same target, role"
              + " and task could be reused.")
  boolean fresh;

  @Override
  @SuppressWarnings("try") // the ~/.ssh/config block is held, not used, while the grant is served
  public Integer call() throws InterruptedException {
    resolvePositionals();
    validate();
    CliEnvironment env = hoop.environment();
    PrintWriter err = spec.commandLine().getErr();
    BrokerSession session = BrokerSession.open(common.store(env), env.clock());
    Grant resumed = request == null ? null : session.client().grant(request);
    if (resumed != null && target != null && !target.equals(resumed.target())) {
      throw new HoopException.Usage(
          "request " + resumed.id() + " is for target " + resumed.target() + ", not " + target);
    }
    if (direct) {
      return direct(session, resumed, env, err);
    }
    TargetConnection socketTarget = null;
    if (unixSocket) {
      socketTarget = SocketTarget.lookup(session, resumed == null ? target : resumed.target());
      SocketTarget.requireSuits(socketTarget, port, err);
    }
    // The local end is bound before a grant is asked for, so a port or socket that cannot be
    // bound costs no grant. Closed in reverse: the socket's directory goes once nothing listens.
    try (SocketDirectory socket =
            socketTarget == null
                ? null
                : SocketDirectory.open(
                    socketDir, socketTarget.target(), socketTarget.type(), port, env.env());
        GrantTunnel tunnel =
            socket == null
                ? GrantTunnel.listen(session, port, err)
                : GrantTunnel.listen(session, socket.socket(), err)) {
      if (socket != null) {
        socket.bound();
      }
      Grant reused = resumed == null && !fresh && !breakGlass ? reusable(session) : null;
      Grant grant =
          resumed != null
              ? resumed
              : reused != null
                  ? reused
                  : breakGlass
                      ? session.client().breakGlass(grantRequest())
                      : session.client().createGrant(grantRequest());
      ApprovalWait.requireUsable(grant);
      if (grant.status() == GrantStatus.PENDING && noWait) {
        PendingNotice.announce(grant, err);
        return PendingNotice.noWait(grant, output.json(), spec.commandLine().getOut(), err);
      }
      try (GrantLease lease =
          GrantLease.hold(
              session.client(),
              grant,
              reused != null
                  ? GrantLease.Mode.REUSED
                  : keep ? GrantLease.Mode.KEEP : GrantLease.Mode.RELEASE,
              err)) {
        lease.endedBecause("hoop connect failed");
        try {
          if (grant.status() == GrantStatus.PENDING) {
            PendingNotice.announce(grant, err);
            lease.endedBecause("withdrawn: the requester stopped waiting for approval");
            grant = PendingNotice.await(session, grant, env, err, keep);
          }
          requireApproved(grant);
          try (SshAccess ssh =
                  socket == null
                      ? SshAccess.prepare(session, grant, tunnel.localPort(), env.env())
                      : null;
              UserSshConfig userConfig = userSshConfig(ssh, grant, env, err);
              KubeAccess kube =
                  socket == null
                      ? KubeAccess.prepare(grant, tunnel.localPort(), env.env())
                      : null) {
            tunnel.serve(grant, ssh == null ? null : ssh.key().publicKey());
            return use(session, grant, tunnel, socket, ssh, kube, reused != null, lease, err, env);
          }
        } catch (HoopException.Denied | HoopException.GrantEnded e) {
          lease.grantEnded();
          throw e;
        }
      }
    }
  }

  /**
   * {@code --direct}: asks for (or reuses) the grant, waits for approval, then prints the broker's
   * PostgreSQL connection string with the grant's password instead of opening a local port.
   */
  private int direct(BrokerSession session, Grant resumed, CliEnvironment env, PrintWriter err)
      throws InterruptedException {
    if ((command != null && !command.isEmpty()) || unixSocket || port != 0 || sshConfig) {
      throw new HoopException.Usage(
          "--direct prints a connection string to the broker and opens no local port: drop"
              + " the command after '--', --port, --unix-socket and --ssh-config");
    }
    // Before any grant is asked for: only the postgres engine serves the broker's own port.
    TargetConnection about =
        SocketTarget.lookup(session, resumed == null ? target : resumed.target());
    if (!"postgres".equals(about.engine())) {
      throw new HoopException.Usage(
          "--direct is for targets run by the postgres engine; "
              + about.target()
              + " runs '"
              + about.engine()
              + "': connect without --direct");
    }
    Grant reused = resumed == null && !fresh && !breakGlass ? reusable(session) : null;
    Grant grant =
        resumed != null
            ? resumed
            : reused != null
                ? reused
                : breakGlass
                    ? session.client().breakGlass(grantRequest())
                    : session.client().createGrant(grantRequest());
    ApprovalWait.requireUsable(grant);
    if (grant.status() == GrantStatus.PENDING) {
      PendingNotice.announce(grant, err);
      if (noWait) {
        return PendingNotice.noWait(grant, output.json(), spec.commandLine().getOut(), err);
      }
      grant = PendingNotice.await(session, grant, env, err, true);
    }
    requireApproved(grant);
    DirectAccess access = DirectAccess.issue(session, grant.id());
    err.println(
        "Grant "
            + grant.id()
            + " for "
            + grant.target()
            + " (task "
            + grant.task()
            + ") approved until "
            + DurationFormat.local(grant.expiresAt())
            + "; it is kept until then (end it early with hoop revoke "
            + grant.id()
            + ")");
    err.flush();
    PrintWriter out = spec.commandLine().getOut();
    if (output.json()) {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("grant", grant.withoutToken());
      json.put("reused", reused != null);
      json.put("direct", access.json());
      JsonOutput.printLine(out, json);
    } else {
      access.lines().forEach(out::println);
    }
    out.flush();
    return 0;
  }

  /** Serves the approved grant until the command exits, Ctrl-C, or the grant ends. */
  private int use(
      BrokerSession session,
      Grant grant,
      GrantTunnel tunnel,
      SocketDirectory socket,
      SshAccess ssh,
      KubeAccess kube,
      boolean reused,
      GrantLease lease,
      PrintWriter err,
      CliEnvironment env)
      throws InterruptedException {
    String database = PostgresConnection.database(session, grant);
    LocalEndpoint at = socket == null ? LocalEndpoint.tcp(tunnel.localPort()) : socket.endpoint();
    announce(grant, at, database, err, env);
    if (!reused) {
      GrantMessages.capped(duration, grant).ifPresent(err::println);
    }
    if (ssh != null) {
      if (command == null || command.isEmpty()) {
        SshHints.lines(ssh.files()).forEach(err::println);
      } else {
        err.println(SshHints.wrapLine(ssh.files()));
      }
      err.flush();
    }
    if (kube != null) {
      if (command == null || command.isEmpty()) {
        kube.lines().forEach(err::println);
      } else {
        err.println(kube.wrapLine());
      }
      err.flush();
    }
    if (output.json()) {
      Map<String, Object> ready = readyJson(grant, at, reused);
      if (ssh != null) {
        ready.put("ssh", SshHints.json(ssh.files()));
      }
      if (kube != null) {
        ready.put("kubernetes", kube.json());
      }
      // One line, so a script can read it with a single `read` and then use the port.
      JsonOutput.printLine(spec.commandLine().getOut(), ready);
    }
    CompletableFuture<Void> interrupted = new CompletableFuture<>();
    Process child =
        command == null || command.isEmpty() ? null : start(grant, at, database, ssh, kube, env);
    // With a child command Ctrl-C belongs to the child; hoop follows when it exits.
    Runnable onInterrupt = child == null ? () -> interrupted.complete(null) : () -> {};
    Interrupts interrupts = env.installSignalHandlers() ? Interrupts.install(onInterrupt) : null;
    try {
      if (child == null) {
        err.println(
            "Tunnel open; press Ctrl-C to close it"
                + (lease.mode() == GrantLease.Mode.RELEASE ? " and release the grant." : "."));
        err.flush();
      }
      RevocationWatch watch =
          RevocationWatch.start(session.client(), grant, tunnel.ended(), RevocationWatch.INTERVAL);
      int code;
      try {
        lease.endedBecause("the grant ended");
        code = new Supervisor(grant, tunnel.ended(), env.clock(), err).await(child, interrupted);
      } finally {
        watch.close();
      }
      if (interrupted.isDone()) {
        lease.endedBecause("the user closed the tunnel (Ctrl-C)");
        err.println("tunnel closed");
        err.flush();
      } else if (child != null) {
        lease.endedBecause("the command exited (" + code + ")");
      }
      return code;
    } finally {
      if (interrupts != null) {
        interrupts.close();
      }
    }
  }

  /** The grant's block in ~/.ssh/config with --ssh-config, else null. */
  private UserSshConfig userSshConfig(
      SshAccess ssh, Grant grant, CliEnvironment env, PrintWriter err) {
    if (!sshConfig) {
      return null;
    }
    if (ssh == null) {
      err.println("hoop: --ssh-config ignored: " + grant.target() + " is not an ssh target");
      err.flush();
      return null;
    }
    String home = env.env().getOrDefault("HOME", System.getProperty("user.home"));
    Path file = Path.of(home, ".ssh", "config");
    UserSshConfig added =
        UserSshConfig.add(
            file, "grant " + grant.id() + " " + ssh.files().alias(), ssh.files().hostBlock());
    err.println(
        "Added Host "
            + ssh.files().alias()
            + " to "
            + file
            + " until hoop exits: ssh "
            + ssh.files().alias());
    err.flush();
    return added;
  }

  /** A live grant of the caller's for the same use, unless the broker has none. */
  private Grant reusable(BrokerSession session) {
    Grant g = session.client().reusableGrant(grantRequest());
    return g != null && g.status() == GrantStatus.APPROVED && g.token() != null ? g : null;
  }

  private GrantRequest grantRequest() {
    return new GrantRequest(
        target, task, reason, duration == null ? 0 : duration.toSeconds(), role);
  }

  private void validate() {
    if (breakGlass && (request != null || reason == null || reason.isBlank())) {
      throw new HoopException.Usage(
          "--break-glass needs TARGET, --task and --reason (what is on fire), not --request");
    }
    if (request == null) {
      if (target == null) {
        throw new HoopException.Usage(
            "missing TARGET: name the target to connect to (see hoop targets), or resume a"
                + " request with --request ID");
      }
      if (task == null) {
        throw new HoopException.Usage(
            "missing --task ID: every grant is tied to a task, e.g. --task JIRA-123 (or resume"
                + " a request with --request ID)");
      }
    } else if (task != null || duration != null || reason != null || role != null) {
      throw new HoopException.Usage(
          "--request resumes request "
              + request
              + " as it was asked: --task, --duration, --reason and --role cannot change it");
    }
    if (task != null
        && (task.isBlank()
            || task.length() > 128
            || task.chars().anyMatch(Character::isISOControl))) {
      throw new HoopException.Usage(
          "invalid --task value: expected a task id such as JIRA-123 (1-128 printable characters)");
    }
    if (port < 0 || port > 65535) {
      throw new HoopException.Usage(
          "--port " + port + " must be in 0..65535 (0 picks a free port)");
    }
    if (socketDir != null) {
      if (!unixSocket) {
        throw new HoopException.Usage(
            "--socket-dir " + socketDir + " needs --unix-socket: add it, or drop --socket-dir");
      }
      // Before asking for a grant, so a bad directory costs no grant.
      SocketDirectory.checkGiven(socketDir);
    }
  }

  /**
   * With --request the target is optional, so in {@code hoop connect --request ID -- psql} picocli
   * takes {@code psql} for the target; what came after {@code --} is the command.
   */
  private void resolvePositionals() {
    if (request == null || target == null) {
      return;
    }
    List<String> args = spec.commandLine().getParseResult().originalArgs();
    int positionals = 1 + (command == null ? 0 : command.size());
    if (positionalsBeforeDashes(args, positionals) == 0) {
      List<String> all = new java.util.ArrayList<>();
      all.add(target);
      if (command != null) {
        all.addAll(command);
      }
      command = all;
      target = null;
    }
  }

  /** How many of the {@code positionals} came before the first {@code --} of {@code args}. */
  static int positionalsBeforeDashes(List<String> args, int positionals) {
    int dashes = args.indexOf("--");
    if (dashes < 0) {
      return positionals;
    }
    return Math.max(0, positionals - (args.size() - dashes - 1));
  }

  static void requireApproved(Grant grant) {
    ApprovalWait.requireUsable(grant);
    if (grant.status() == GrantStatus.PENDING) {
      throw new HoopException.Pending(
          "request " + grant.id() + " is pending approval; ask a reviewer to approve it");
    }
  }

  static void announce(
      Grant grant, LocalEndpoint at, String database, PrintWriter err, CliEnvironment env) {
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
    ConnectionHints.lines(grant, at, database).forEach(err::println);
    err.flush();
  }

  /**
   * The ready line of {@code -o json}. On a Unix socket: {@code socket} (the file), {@code host}
   * (its directory, libpq's host) and, for PostgreSQL targets, {@code port} (libpq's port); no
   * {@code localAddress}, as there is no TCP address.
   */
  static Map<String, Object> readyJson(Grant grant, LocalEndpoint at) {
    return readyJson(grant, at, false);
  }

  /** The ready line; {@code reused} says the grant was an earlier one of the caller's. */
  static Map<String, Object> readyJson(Grant grant, LocalEndpoint at, boolean reused) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("grant", grant.withoutToken());
    json.put("reused", reused);
    if (at.isUnixSocket()) {
      json.put("socket", at.socket().toString());
      json.put("host", at.host());
      if (at.port() != 0) {
        json.put("port", at.port());
      }
      return json;
    }
    json.put("localAddress", ConnectionHints.HOST + ":" + at.port());
    json.put("host", ConnectionHints.HOST);
    json.put("port", at.port());
    return json;
  }

  private Process start(
      Grant grant,
      LocalEndpoint at,
      String database,
      SshAccess ssh,
      KubeAccess kube,
      CliEnvironment env) {
    ProcessBuilder builder =
        new ProcessBuilder(ssh == null ? command : SshHints.command(command, ssh.files().config()))
            .inheritIO()
            .redirectInput(env.childInput());
    // The child sees hoop's environment as given (tests pass their own), plus the tunnel's.
    builder.environment().clear();
    builder.environment().putAll(env.env());
    // An outer `hoop connect -- sh` left its own tunnel's variables: none may point elsewhere.
    builder.environment().keySet().removeAll(ConnectionHints.TUNNEL_VARIABLES);
    builder.environment().putAll(ConnectionHints.environment(grant, at, database, env.env()));
    builder.environment().keySet().removeAll(SshHints.VARIABLES);
    if (ssh != null) {
      builder.environment().putAll(SshHints.environment(ssh.files()));
    }
    if (kube != null) {
      builder.environment().putAll(kube.environment());
    }
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
