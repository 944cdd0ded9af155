package io.hoop.cli.commands;

import io.hoop.api.Approval;
import io.hoop.api.Grant;
import io.hoop.cli.CliEnvironment;
import io.hoop.cli.ExitCodes;
import io.hoop.cli.HoopException;
import io.hoop.cli.auth.Sleeper;
import io.hoop.cli.broker.BrokerSession;
import io.hoop.cli.connect.ApprovalWait;
import io.hoop.cli.connect.Interrupts;
import io.hoop.cli.output.GrantTable;
import io.hoop.cli.output.JsonOutput;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** What {@code hoop connect} says and does while a request waits for reviewers. */
final class PendingNotice {
  private PendingNotice() {}

  /** Who may approve, how many approvals are missing, and how to approve or resume. */
  static void announce(Grant g, PrintWriter err) {
    long approvers = GrantTable.approvers(g);
    // A pending request needs at least one approval, whatever an older broker reports.
    long required = Math.max(approvers + 1, g.approvalsRequired());
    long missing = required - approvers;
    err.println(
        "Request "
            + g.id()
            + " for "
            + g.target()
            + " (task "
            + g.task()
            + ") is pending approval"
            + (g.decisionReason() == null || g.decisionReason().isBlank()
                ? ""
                : ": " + g.decisionReason()));
    err.println(
        "  needs "
            + missing
            + " more approval"
            + (missing == 1 ? "" : "s")
            + " ("
            + approvers
            + "/"
            + required
            + ") from a member of: "
            + GrantTable.reviewerGroups(g));
    err.println("  a reviewer approves it with: hoop approve " + g.id());
    err.flush();
  }

  /** {@code --no-wait}: the request id on stdout for scripts, exit 4. */
  static int noWait(Grant g, boolean json, PrintWriter out, PrintWriter err) {
    if (json) {
      Map<String, Object> value = new LinkedHashMap<>();
      value.put("requestId", g.id());
      value.put("grant", g.withoutToken());
      JsonOutput.printLine(out, value);
    } else {
      out.println(g.id());
      out.flush();
    }
    err.println("resume with: hoop connect --request " + g.id());
    err.flush();
    return ExitCodes.PENDING;
  }

  /**
   * Polls until reviewers decide; Ctrl-C stops waiting (exit 4): the caller withdraws the request,
   * or with {@code keep} leaves it open to resume.
   */
  static Grant await(
      BrokerSession session, Grant g, CliEnvironment env, PrintWriter err, boolean keep)
      throws InterruptedException {
    err.println(
        keep
            ? "Waiting for approval; Ctrl-C stops waiting (the request stays open)."
            : "Waiting for approval; Ctrl-C stops waiting and withdraws the request.");
    err.flush();
    CompletableFuture<Void> stop = new CompletableFuture<>();
    Interrupts interrupts =
        env.installSignalHandlers() ? Interrupts.install(() -> stop.complete(null)) : null;
    ProgressLine progress = new ProgressLine(err, env.redraws());
    try {
      return new ApprovalWait(
              id -> session.client().grant(id),
              env.clock(),
              until(stop),
              new ApprovalWait.Listener() {
                @Override
                public void waiting(Grant latest, Duration elapsed) {
                  progress.update(
                      "Waiting for approval (" + GrantTable.approvals(latest) + ")", elapsed);
                }

                @Override
                public void approvedBy(Approval approval, Grant latest) {
                  progress.done();
                  err.println(
                      "  approved by "
                          + approval.approver()
                          + " ("
                          + GrantTable.approvals(latest)
                          + ")"
                          + (approval.comment() == null || approval.comment().isBlank()
                              ? ""
                              : ": " + approval.comment()));
                  err.flush();
                }
              })
          .await(g, stop::isDone);
    } catch (HoopException.Pending e) {
      if (keep || !stop.isDone()) {
        throw e;
      }
      throw new HoopException.Pending(
          "stopped waiting; request "
              + g.id()
              + " is withdrawn (with --keep it stays open to resume with --request)");
    } finally {
      progress.done();
      if (interrupts != null) {
        interrupts.close();
      }
    }
  }

  /** Sleeps for the poll interval, or less once {@code stop} completes (Ctrl-C). */
  static Sleeper until(CompletableFuture<Void> stop) {
    return duration -> {
      try {
        stop.get(duration.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        // The normal case: nobody pressed Ctrl-C during this pause.
      } catch (ExecutionException e) {
        // stop is only ever completed normally; treat anything else as a stop request too.
      }
    };
  }
}
