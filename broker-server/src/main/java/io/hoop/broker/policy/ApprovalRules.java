package io.hoop.broker.policy;

import io.hoop.api.Approval;
import io.hoop.api.GrantStatus;
import io.hoop.api.Principal;
import io.hoop.broker.config.GovernanceSection.Stage;
import io.hoop.broker.store.StoredGrant;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Who may approve, deny and revoke a grant, and when a pending request is approved. Pure: the
 * caller, the grant, its approvals and the time come in; a {@link Verdict} goes out.
 *
 * <ul>
 *   <li>the requester never approves or denies their own request;
 *   <li>approvers and deniers are members of one of the request's reviewer groups;
 *   <li>one person counts once however many groups they are in and however often they approve;
 *   <li>the request is approved when distinct approvers reach the quorum ({@code >=});
 *   <li>only pending requests that have not timed out can be approved or denied;
 *   <li>the requester or a reviewer may revoke a pending or approved, unexpired grant.
 * </ul>
 */
public final class ApprovalRules {
  private ApprovalRules() {}

  /** What the rules say about one action. */
  public enum Kind {
    /** The approval counts (a new person). */
    COUNTED,
    /** The person had approved already: nothing changes. */
    ALREADY_COUNTED,
    /** The action is allowed (deny, revoke). */
    ALLOWED,
    /** The grant is not in a state the action applies to. */
    WRONG_STATE,
    /** The pending request timed out. */
    TIMED_OUT,
    /** The caller is the requester and may not do this to their own request. */
    SELF,
    /** The caller is in none of the groups that may do this. */
    NOT_A_REVIEWER,
    /** The caller approves in a later stage whose turn has not come. */
    STAGE_NOT_REACHED,
    /** The caller approved in an earlier stage: one person cannot approve in two stages. */
    OTHER_STAGE
  }

  /**
   * The verdict.
   *
   * @param kind what happened
   * @param message a sentence for the caller (refusals) or the audit trail
   * @param approvers distinct approvers after this action (approve only)
   * @param complete whether the quorum is reached (approve only)
   */
  public record Verdict(Kind kind, String message, int approvers, boolean complete) {
    public boolean refused() {
      return kind != Kind.COUNTED && kind != Kind.ALREADY_COUNTED && kind != Kind.ALLOWED;
    }
  }

  /**
   * An approval by {@code approver} of {@code g}, which already has {@code approvals}, in the
   * single stage the grant recorded (its reviewer groups and quorum).
   */
  public static Verdict approve(
      StoredGrant g, List<Approval> approvals, Principal approver, Instant now) {
    return approve(g, singleStage(g), approvals, approver, now);
  }

  /** The single stage a grant recorded when it was requested. */
  public static List<Stage> singleStage(StoredGrant g) {
    return List.of(new Stage(g.reviewerGroups(), Math.max(1, g.approvalsRequired())));
  }

  /**
   * An approval by {@code approver} of {@code g} in approval {@code stages}: it counts only for the
   * current stage, from a member of that stage's groups who approved in no other stage.
   */
  public static Verdict approve(
      StoredGrant g,
      List<Stage> stages,
      List<Approval> approvals,
      Principal approver,
      Instant now) {
    Verdict pending = requirePending(g, now, "approved");
    if (pending != null) {
      return pending;
    }
    if (approver.name().equals(g.principal())) {
      return refuse(Kind.SELF, "you cannot approve your own request");
    }
    if (!inAny(approver, g.reviewerGroups())) {
      return refuse(Kind.NOT_A_REVIEWER, notReviewer(approver, g.reviewerGroups(), g));
    }
    ApprovalStages before = ApprovalStages.of(stages, approvals, g.principal());
    int total = stages.stream().mapToInt(Stage::approvals).sum();
    int done = before.people().size();
    int at = before.stageOf(approver.name());
    if (at >= 0 && (at == before.current() || before.complete() || stages.size() == 1)) {
      return new Verdict(
          Kind.ALREADY_COUNTED,
          "repeat approval (counted once) " + done + " of " + total + " by " + approver.name(),
          done,
          before.complete());
    }
    if (at >= 0) {
      return refuse(
          Kind.OTHER_STAGE,
          approver.name()
              + " approved request "
              + g.id()
              + " in stage "
              + (at + 1)
              + " already; one person cannot approve in two stages");
    }
    if (before.complete()) {
      // Approvals after the quorum (e.g. two reviewers acting at once) count, in the last stage.
      return new Verdict(
          Kind.COUNTED,
          "approval " + (done + 1) + " of " + total + " by " + approver.name(),
          done + 1,
          true);
    }
    Stage stage = stages.get(before.current());
    if (!inAny(approver, stage.groups())) {
      boolean later =
          stages.stream().skip(before.current() + 1).anyMatch(s -> inAny(approver, s.groups()));
      return refuse(
          later ? Kind.STAGE_NOT_REACHED : Kind.NOT_A_REVIEWER,
          "request "
              + g.id()
              + " is in "
              + before.describe()
              + "; "
              + approver.name()
              + (later
                  ? " approves in a later stage, after group " + String.join(" or ", stage.groups())
                  : " is not in group " + String.join(" or ", stage.groups())));
    }
    List<Approval> after = new java.util.ArrayList<>(approvals);
    after.add(new Approval(approver.name(), now, null, before.current()));
    ApprovalStages next = ApprovalStages.of(stages, after, g.principal());
    return new Verdict(
        Kind.COUNTED,
        "approval "
            + next.people().size()
            + " of "
            + total
            + " by "
            + approver.name()
            + (stages.size() > 1 ? " (stage " + (before.current() + 1) + ")" : ""),
        next.people().size(),
        next.complete());
  }

  /** A denial of a pending request. */
  public static Verdict deny(StoredGrant g, Principal caller, Instant now) {
    Verdict pending = requirePending(g, now, "denied");
    if (pending != null) {
      return pending;
    }
    if (caller.name().equals(g.principal())) {
      return refuse(
          Kind.SELF, "you cannot deny your own request; revoke it to withdraw the request");
    }
    if (!inAny(caller, g.reviewerGroups())) {
      return refuse(Kind.NOT_A_REVIEWER, notReviewer(caller, g.reviewerGroups(), g));
    }
    return new Verdict(Kind.ALLOWED, "denied by " + caller.name(), 0, false);
  }

  /**
   * A revocation of a pending or approved, unexpired grant.
   *
   * @param reviewerGroups groups whose members may revoke it besides the requester
   */
  public static Verdict revoke(
      StoredGrant g, List<String> reviewerGroups, Principal caller, Instant now) {
    GrantStatus s = g.effectiveStatus(now);
    if (s != GrantStatus.APPROVED && s != GrantStatus.PENDING) {
      return refuse(
          Kind.WRONG_STATE,
          "grant "
              + g.id()
              + " is "
              + lower(s)
              + "; only pending or approved grants can be revoked");
    }
    if (!caller.name().equals(g.principal()) && !inAny(caller, reviewerGroups)) {
      return refuse(
          Kind.NOT_A_REVIEWER,
          "only the requester or a member of "
              + groups(reviewerGroups)
              + " may revoke grant "
              + g.id());
    }
    return new Verdict(Kind.ALLOWED, "revoked by " + caller.name(), 0, false);
  }

  /** {@code expiresAt = approvedAt + duration}: the clock starts at approval, not at request. */
  public static Instant expiresAt(Instant approvedAt, Duration duration) {
    return approvedAt.plus(duration);
  }

  /** Distinct approvers, never counting the requester. */
  public static Set<String> distinct(List<Approval> approvals, String requester) {
    Set<String> people = new LinkedHashSet<>();
    for (Approval a : approvals) {
      if (!a.approver().equals(requester)) {
        people.add(a.approver());
      }
    }
    return people;
  }

  private static Verdict requirePending(StoredGrant g, Instant now, String verb) {
    GrantStatus s = g.effectiveStatus(now);
    if (s == GrantStatus.PENDING) {
      return null;
    }
    if (g.status() == GrantStatus.PENDING) {
      return refuse(
          Kind.TIMED_OUT,
          "request "
              + g.id()
              + " timed out at "
              + g.pendingExpiresAt()
              + " without enough approvals; the requester must ask again");
    }
    return refuse(
        Kind.WRONG_STATE,
        "grant " + g.id() + " is " + lower(s) + ", not pending; it cannot be " + verb);
  }

  private static String notReviewer(Principal p, List<String> reviewerGroups, StoredGrant g) {
    return p.name()
        + " is not a reviewer of "
        + g.target()
        + ": approvers must be in "
        + groups(reviewerGroups);
  }

  private static String groups(List<String> groups) {
    return groups.isEmpty()
        ? "a reviewer group (the target has none)"
        : "group " + String.join(" or ", groups);
  }

  private static boolean inAny(Principal p, List<String> groups) {
    return groups.stream().anyMatch(p.groups()::contains);
  }

  private static Verdict refuse(Kind kind, String message) {
    return new Verdict(kind, message, 0, false);
  }

  private static String lower(GrantStatus s) {
    return s.name().toLowerCase(Locale.ROOT);
  }
}
