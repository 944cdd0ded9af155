package io.hoop.cli.commands;

import static java.util.Objects.requireNonNull;

import io.hoop.api.Grant;
import io.hoop.cli.CliEnvironment;
import io.hoop.cli.ExitCodes;
import io.hoop.cli.HoopException;
import io.hoop.cli.auth.Sleeper;
import io.hoop.cli.broker.BrokerSession;
import io.hoop.cli.connect.GrantTunnel;
import io.hoop.cli.connect.Interrupts;
import io.hoop.cli.postgres.PgProtocolException;
import io.hoop.cli.postgres.PgSession;
import io.hoop.cli.postgres.ResultRenderer;
import io.hoop.cli.postgres.SqlScript;
import io.hoop.cli.postgres.StatementResult;
import io.hoop.cli.sessions.SessionsApi;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code hoop exec} on a postgres target: the script's statements one Query each, through the
 * grant's tunnel on a private Unix socket (no port, no psql), results on stdout, notices and errors
 * on stderr. Stops at the first failed or blocked statement unless told to go on.
 */
final class PostgresExec {
  /** A statement failed on the target (or the broker's refusal was not confirmed). */
  static final int FAILED = 1;

  private final BrokerSession session;
  private final String target;
  private final CliEnvironment env;
  private final PrintWriter out;
  private final PrintWriter err;
  private final ResultRenderer.Format format;
  private final boolean continueOnError;

  /** A statement read as blocked, but the session's record does not show it. */
  private boolean blockedUnconfirmed;

  /** The broker session whose record shows the blocked statement. */
  private String refusedIn;

  PostgresExec(
      BrokerSession session,
      String target,
      CliEnvironment env,
      PrintWriter out,
      PrintWriter err,
      ResultRenderer.Format format,
      boolean continueOnError) {
    this.session = requireNonNull(session, "session");
    this.target = requireNonNull(target, "target");
    this.env = requireNonNull(env, "env");
    this.out = requireNonNull(out, "out");
    this.err = requireNonNull(err, "err");
    this.format = requireNonNull(format, "format");
    this.continueOnError = continueOnError;
  }

  /** Runs {@code statements} on {@code database} (null: the target's) through {@code tunnel}. */
  int run(
      List<SqlScript.Statement> statements,
      String database,
      Grant grant,
      GrantTunnel tunnel,
      Path socket)
      throws InterruptedException {
    ResultRenderer renderer = ResultRenderer.of(format, out);
    List<StatementResult> results = new ArrayList<>(statements.size());
    HoldProgress progress = new HoldProgress();
    PgSession.Dialer dialer = () -> dial(socket);
    PgSession pg;
    try {
      pg = PgSession.open(dialer, database, progress);
    } catch (IOException | PgProtocolException | PgSession.SessionEnded e) {
      throw new HoopException(
          "cannot start a PostgreSQL session on " + target + ": " + e.getMessage(), e);
    }
    AtomicInteger interrupts = new AtomicInteger();
    Interrupts handler =
        env.installSignalHandlers()
            ? Interrupts.install(
                () -> {
                  if (interrupts.incrementAndGet() == 1) {
                    Thread t = new Thread(pg::cancel, "hoop-exec-cancel");
                    t.setDaemon(true);
                    t.start();
                  } else {
                    pg.abort();
                  }
                })
            : null;
    String endedBy = null;
    try {
      for (SqlScript.Statement s : statements) {
        if (endedBy != null || interrupts.get() > 0 || stopped(results)) {
          results.add(StatementResult.notRun(s));
          continue;
        }
        try {
          StatementResult r = pg.run(s);
          results.add(r);
          renderer.statement(r);
          report(r);
        } catch (IOException | PgProtocolException | PgSession.SessionEnded e) {
          endedBy = interrupts.get() > 0 ? "interrupted (Ctrl-C)" : e.getMessage();
          results.add(StatementResult.notRun(s));
        }
      }
    } finally {
      progress.stop();
      if (handler != null) {
        handler.close();
      }
      pg.close();
    }
    if (interrupts.get() > 0 && endedBy == null) {
      endedBy = "interrupted (Ctrl-C): the running statement was cancelled";
    }
    int code = exitCode(results, tunnel);
    if (endedBy != null) {
      code = ExitCodes.EXEC_FAILED;
    }
    List<StatementResult> all = confirmed(results, code);
    renderer.finish(target, grant.id(), all, code);
    summary(all);
    if (endedBy != null) {
      throw new HoopException.ExecFailed(
          "the session on "
              + target
              + " ended: "
              + endedBy
              + "; "
              + count(all, StatementResult.NOT_RUN)
              + " statement(s) did not run [hoop exec: "
              + (interrupts.get() > 0 ? "interrupted" : "session ended")
              + ", exit 255]",
          null);
    }
    if (code == ExitCodes.EXEC_REFUSED) {
      err.println(
          "hoop: the broker refused a statement on "
              + target
              + " by policy, as its session record says (hoop sessions show "
              + refusedIn
              + ") [hoop exec: refused by policy, exit "
              + ExitCodes.EXEC_REFUSED
              + "]");
    } else if (code == FAILED) {
      err.println(
          "hoop: a statement failed on " + target + " [hoop exec: statement failed, exit 1]");
    }
    err.flush();
    return code;
  }

  private boolean stopped(List<StatementResult> results) {
    return !continueOnError && !allOk(results);
  }

  private static boolean allOk(List<StatementResult> results) {
    return results.stream().allMatch(r -> r.status().equals(StatementResult.OK));
  }

  /**
   * 126 when a statement reads as blocked by the broker and the session's record says so, else 1
   * when any failed, else 0.
   */
  private int exitCode(List<StatementResult> results, GrantTunnel tunnel)
      throws InterruptedException {
    if (results.stream().anyMatch(r -> r.status().equals(StatementResult.BLOCKED))) {
      Optional<String> confirmed =
          ExecRefusal.confirm(new SessionsApi(session), tunnel.sessionIds(), Sleeper.REAL);
      if (confirmed.isPresent()) {
        refusedIn = confirmed.get();
        return ExitCodes.EXEC_REFUSED;
      }
      blockedUnconfirmed = true;
      return FAILED;
    }
    return results.stream().anyMatch(r -> r.status().equals(StatementResult.FAILED)) ? FAILED : 0;
  }

  /** A refusal the record did not confirm is the target's own error (it may fake the text). */
  private List<StatementResult> confirmed(List<StatementResult> results, int code) {
    if (!blockedUnconfirmed) {
      return results;
    }
    List<StatementResult> all = new ArrayList<>(results.size());
    for (StatementResult r : results) {
      all.add(r.status().equals(StatementResult.BLOCKED) ? r.asFailed() : r);
    }
    err.println(
        "hoop: an error read like the broker's refusal, but the session's record shows no blocked"
            + " statement: counted as the target's own error");
    return all;
  }

  private void summary(List<StatementResult> all) {
    long notRun = count(all, StatementResult.NOT_RUN);
    if (notRun > 0 && !continueOnError) {
      err.println(
          "hoop: stopped after statement "
              + (all.size() - notRun)
              + " of "
              + all.size()
              + "; "
              + notRun
              + " did not run (--continue-on-error runs the rest)");
      err.flush();
    }
  }

  private static long count(List<StatementResult> all, String status) {
    return all.stream().filter(r -> r.status().equals(status)).count();
  }

  /** A failed or blocked statement's error on stderr, psql-like, with its place in the script. */
  private void report(StatementResult r) {
    if (r.error() == null) {
      return;
    }
    StatementResult.Message e = r.error();
    err.println(
        "hoop: statement "
            + r.index()
            + " (line "
            + r.line()
            + ") "
            + (r.status().equals(StatementResult.BLOCKED) ? "blocked" : "failed")
            + ": "
            + e.severity()
            + ":  "
            + oneLine(e.message())
            + (e.code() == null ? "" : " (SQLSTATE " + e.code() + ")"));
    if (e.detail() != null) {
      err.println("DETAIL:  " + oneLine(e.detail()));
    }
    if (e.hint() != null) {
      err.println("HINT:  " + oneLine(e.hint()));
    }
    err.flush();
  }

  private static String oneLine(String s) {
    return io.hoop.cli.postgres.TextEscape.forTerminal(s).replace("\n", " ");
  }

  private static PgSession.Stream dial(Path socket) throws IOException {
    SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket));
    return new PgSession.Stream(
        Channels.newInputStream(channel), Channels.newOutputStream(channel), channel);
  }

  /**
   * Notices to stderr as psql prints them; while a statement is held for a reviewer, a progress
   * line with the elapsed time on a terminal (one line otherwise), until the decision arrives.
   */
  private final class HoldProgress implements PgSession.Listener {
    private Thread ticker;

    @Override
    public void notice(StatementResult.Message notice) {
      err.println(
          notice.severity()
              + ":  "
              + io.hoop.cli.postgres.TextEscape.forTerminal(notice.message()));
      err.flush();
    }

    @Override
    public void held(String holdId) {
      stop();
      ProgressLine line = new ProgressLine(err, env.stderrTerminal());
      Instant start = env.clock().instant();
      String message = "waiting for a reviewer to approve " + holdId + " (Ctrl-C cancels it)";
      Thread t =
          new Thread(
              () -> {
                try {
                  while (!Thread.currentThread().isInterrupted()) {
                    line.update(message, Duration.between(start, env.clock().instant()));
                    Thread.sleep(1000);
                  }
                } catch (InterruptedException e) {
                  // Decided.
                } finally {
                  line.done();
                }
              },
              "hoop-exec-hold");
      t.setDaemon(true);
      ticker = t;
      t.start();
    }

    @Override
    public void holdEnded() {
      stop();
    }

    void stop() {
      Thread t = ticker;
      ticker = null;
      if (t != null) {
        t.interrupt();
        try {
          t.join(2000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }
}
