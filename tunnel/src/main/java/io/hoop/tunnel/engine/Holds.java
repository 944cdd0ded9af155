package io.hoop.tunnel.engine;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Sends one operation of a live session (an ssh exec command, a postgres statement) to the target's
 * reviewers before it reaches the target: the engine holds the operation, tells its user the hold's
 * id and how to approve it, and waits for the decision. One instance per tunnel session, bound by
 * the broker to the session's grant, principal, target and task; engines never see the reviewers.
 *
 * <p>Fail closed: when the hold cannot be recorded, the returned stage fails and the engine refuses
 * the operation; a decision that is not an approval (denied, timed out, the session ended) refuses
 * it too.
 */
@FunctionalInterface
public interface Holds {
  /** Refuses every hold: what an engine runs with when its target has no review process. */
  Holds NONE =
      request ->
          CompletableFuture.failedFuture(
              new IllegalStateException(
                  "operations of this session cannot be held for review (no review process)"));

  /**
   * Records {@code request} as pending for the target's reviewers (stored, audited, notified). May
   * block briefly on the store: call it off the event loop, or compose on the returned stage (the
   * broker's completes on its own threads). Operations that cannot be reviewed fail the stage with
   * the reason: longer than 8192 characters, containing NUL or invalid Unicode, a grant that ended,
   * a target without reviewers, too many holds waiting in the session.
   *
   * @return the hold once it is recorded (its id is what reviewers approve), or a failed stage
   */
  CompletionStage<Hold> hold(HoldRequest request);

  /**
   * One operation to review.
   *
   * @param kind what it is, for reviewers: {@code exec}, {@code sftp}, {@code sql}, ...
   * @param operation the exact operation, as reviewers see it (a command line, a statement with its
   *     parameters masked); never a secret of the target
   * @param rule the rule that sent it to review, e.g. {@code roles.ops.exec.review[0]}
   */
  record HoldRequest(String kind, String operation, String rule) {
    public HoldRequest {
      java.util.Objects.requireNonNull(kind, "kind");
      java.util.Objects.requireNonNull(operation, "operation");
      java.util.Objects.requireNonNull(rule, "rule");
    }
  }

  /** A recorded hold. */
  interface Hold {
    /** The id reviewers approve, e.g. {@code h-3f2a...}. */
    String id();

    /** What to tell the waiting user: the id, the command that approves it, the timeout. */
    String notice();

    /**
     * Completes with the decision: approved (run the operation once), or refused with the reason
     * (denied by a reviewer, timed out, cancelled, the grant ended, the broker stopped). An engine
     * treats an exceptional completion as a refusal too. It completes on a broker thread, after the
     * decision is stored and audited: an engine continues on its own event loop.
     */
    CompletionStage<Decision> decision();

    /** The user gave up waiting (client cancel, channel closed): the hold ends as cancelled. */
    void cancel();
  }

  /**
   * How a hold ended.
   *
   * @param approved true when the operation may run, once
   * @param by who decided (a reviewer's principal), or {@code hoop} for a timeout or cancel
   * @param reason why it may not run (denied, expired, cancelled); empty when approved
   */
  record Decision(boolean approved, String by, String reason) {
    public Decision {
      java.util.Objects.requireNonNull(by, "by");
      java.util.Objects.requireNonNull(reason, "reason");
    }
  }
}
