package io.hoop.cli.connect;

import io.hoop.api.Approval;
import io.hoop.api.Grant;
import io.hoop.api.GrantStatus;
import io.hoop.cli.HoopException;
import io.hoop.cli.auth.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * Waits for reviewers to decide a pending request by polling the broker, and turns every outcome
 * other than approval into the exception that carries its exit code.
 */
public final class ApprovalWait {
  /** How often the broker is asked; approvals are human-paced, the broker should not be. */
  public static final Duration POLL_INTERVAL = Duration.ofSeconds(2);

  /** What the user sees while waiting. */
  public interface Listener {
    /** Still pending; called before every pause. */
    void waiting(Grant latest, Duration elapsed);

    /** Someone approved since the last poll (the quorum may still be short). */
    void approvedBy(Approval approval, Grant latest);
  }

  private final Function<String, Grant> fetch;
  private final Clock clock;
  private final Sleeper sleeper;
  private final Listener listener;

  /**
   * @param fetch reads the grant by id ({@code GET /v1/grants/{id}})
   * @param sleeper pauses between polls; it should return early once the user asked to stop
   */
  public ApprovalWait(
      Function<String, Grant> fetch, Clock clock, Sleeper sleeper, Listener listener) {
    this.fetch = Objects.requireNonNull(fetch, "fetch");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    this.listener = Objects.requireNonNull(listener, "listener");
  }

  /**
   * Blocks until the request is no longer pending.
   *
   * @param grant the request as last seen
   * @param stopped true once the user pressed Ctrl-C
   * @return the approved grant, as the broker returned it to its requester (with its token)
   * @throws HoopException.Denied when a reviewer or policy denied it (exit 3)
   * @throws HoopException.Pending when it timed out or the user stopped waiting (exit 4)
   * @throws HoopException.GrantEnded when it was revoked or already expired (exit 5)
   */
  public Grant await(Grant grant, BooleanSupplier stopped) throws InterruptedException {
    Instant start = clock.instant();
    Set<String> seen = new HashSet<>(approvers(grant));
    Grant current = grant;
    while (current.status() == GrantStatus.PENDING) {
      listener.waiting(current, Duration.between(start, clock.instant()));
      sleeper.sleep(POLL_INTERVAL);
      if (stopped.getAsBoolean()) {
        throw new HoopException.Pending(
            "request "
                + grant.id()
                + " still pending; resume with hoop connect --request "
                + grant.id());
      }
      current = fetch.apply(grant.id());
      for (Approval a : current.approvals() == null ? List.<Approval>of() : current.approvals()) {
        if (a.approver() != null && seen.add(a.approver())) {
          listener.approvedBy(a, current);
        }
      }
    }
    requireUsable(current);
    return current;
  }

  /**
   * Throws the exception (and so the exit code) of a request that can no longer open a tunnel;
   * returns for APPROVED and PENDING.
   */
  public static void requireUsable(Grant g) {
    if (g.status() == null) {
      throw new HoopException("broker returned grant " + g.id() + " without a status");
    }
    switch (g.status()) {
      case APPROVED:
      case PENDING:
        return;
      case DENIED:
        if (g.decidedBy() != null) {
          throw new HoopException.Denied(
              "request " + g.id() + " for " + g.target() + " denied by " + g.decidedBy() + why(g));
        }
        throw new HoopException.Denied(
            "access to "
                + g.target()
                + " denied: "
                + (g.decisionReason() == null ? "no reason given" : g.decisionReason()));
      case EXPIRED:
        if (g.approvedAt() == null) {
          throw new HoopException.Pending(
              "request "
                  + g.id()
                  + " for "
                  + g.target()
                  + " timed out: nobody approved it in time; ask again with hoop connect");
        }
        throw new HoopException.GrantEnded(
            "grant " + g.id() + " for " + g.target() + " already expired");
      case REVOKED:
        throw new HoopException.GrantEnded(
            "grant "
                + g.id()
                + " for "
                + g.target()
                + " was revoked"
                + (g.decidedBy() == null ? "" : " by " + g.decidedBy())
                + why(g));
      case RELEASED:
        throw new HoopException.GrantEnded(
            "grant " + g.id() + " for " + g.target() + " was released by its requester" + why(g));
      default:
        throw new HoopException("grant " + g.id() + " has unknown status " + g.status());
    }
  }

  private static String why(Grant g) {
    return g.decisionReason() == null || g.decisionReason().isBlank()
        ? ": no reason given"
        : ": " + g.decisionReason();
  }

  private static List<String> approvers(Grant g) {
    List<String> names = new ArrayList<>();
    if (g.approvals() != null) {
      for (Approval a : g.approvals()) {
        names.add(a.approver());
      }
    }
    return names;
  }
}
