package io.hoop.broker.policy;

import io.hoop.api.Approval;
import io.hoop.api.GrantStatus;
import io.hoop.api.Principal;
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
    NOT_A_REVIEWER
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

  /** An approval by {@code approver} of {@code g}, which already has {@code approvals}. */
  public static Verdict approve(
      StoredGrant g, List<Approval> approvals, Principal approver, Instant now) {
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
    Set<String> people = distinct(approvals, g.principal());
    boolean fresh = people.add(approver.name());
    boolean complete = people.size() >= Math.max(1, g.approvalsRequired());
    return new Verdict(
        fresh ? Kind.COUNTED : Kind.ALREADY_COUNTED,
        (fresh ? "approval " : "repeat approval (counted once) ")
            + people.size()
            + " of "
            + Math.max(1, g.approvalsRequired())
            + " by "
            + approver.name(),
        people.size(),
        complete);
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
