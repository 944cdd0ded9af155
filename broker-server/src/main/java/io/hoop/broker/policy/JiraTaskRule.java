package io.hoop.broker.policy;

import io.hoop.api.Principal;
import io.hoop.broker.config.GovernanceSection;
import io.hoop.broker.config.TargetConfig;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Judges a task id against its Jira issue, and folds the answer into a grant decision. Pure: the
 * issue (or why it could not be fetched) comes in, a reason or a {@link Decision} goes out.
 *
 * <p>The requester matches the assignee when the requester's email equals the assignee's {@code
 * emailAddress}, or the requester's name equals the assignee's {@code name} or {@code key} (Jira
 * Data Center usernames), ignoring case. Jira Cloud {@code accountId}s are opaque and not matched:
 * on Jira Cloud the IdP's email must be visible to the broker's Jira user.
 */
public final class JiraTaskRule {
  private JiraTaskRule() {}

  /**
   * The fields of a Jira issue the check reads.
   *
   * @param key the issue key
   * @param status the status name, e.g. {@code In Progress}
   * @param assignee the assignee; empty when the issue is unassigned
   */
  public record Issue(String key, String status, Optional<Assignee> assignee) {}

  /**
   * A Jira user as the issue names it; any field may be null (Jira Cloud hides {@code name}, and
   * {@code emailAddress} depending on the user's privacy settings).
   */
  public record Assignee(String name, String key, String emailAddress, String displayName) {
    /** Whether this user is the requester (see the class comment). */
    public boolean is(Principal p) {
      return (p.email() != null && p.email().equalsIgnoreCase(emailAddress))
          || p.name().equalsIgnoreCase(name)
          || p.name().equalsIgnoreCase(key);
    }

    String shown() {
      for (String s : new String[] {displayName, name, emailAddress, key}) {
        if (s != null && !s.isBlank()) {
          return s;
        }
      }
      return "another user";
    }
  }

  /** What the Jira lookup found. */
  public enum Lookup {
    /** The issue was read. */
    FOUND,
    /** Jira answered that there is no such issue (or the broker's Jira user may not see it). */
    MISSING,
    /** Jira did not answer usefully: down, slow, 5xx, or it refused the broker's credentials. */
    UNAVAILABLE
  }

  /**
   * Why the issue does not allow access for the requester, or empty when it does.
   *
   * @param task the task id as requested (the issue key)
   */
  public static Optional<String> judge(
      GovernanceSection.JiraCheck check, String task, Issue issue, Principal requester) {
    boolean statusOk =
        check.statuses().stream().anyMatch(s -> s.equalsIgnoreCase(issue.status().strip()));
    if (!statusOk) {
      return Optional.of(
          "task "
              + task
              + " is '"
              + issue.status()
              + "' in Jira; access needs one of: "
              + String.join(", ", check.statuses()));
    }
    if (!check.assignedToRequester()) {
      return Optional.empty();
    }
    if (issue.assignee().isEmpty()) {
      return Optional.of(
          "task " + task + " is unassigned in Jira; assign it to " + requester.name() + " first");
    }
    Assignee a = issue.assignee().get();
    if (!a.is(requester)) {
      return Optional.of(
          "task " + task + " is assigned to " + a.shown() + " in Jira, not to " + requester.name());
    }
    return Optional.empty();
  }

  /**
   * The decision after the task check: policy's decision when the check passed; DENIED when the
   * issue is missing or does not allow access; when Jira was unavailable, DENIED or PENDING as the
   * target says, never APPROVED.
   *
   * @param rejection why the issue does not allow access (FOUND only), or empty
   * @param detail what went wrong with Jira (UNAVAILABLE only)
   */
  public static Decision apply(
      Decision policy,
      TargetConfig target,
      String task,
      Lookup lookup,
      Optional<String> rejection,
      String detail) {
    if (policy.outcome() == Decision.Outcome.DENIED) {
      return policy;
    }
    switch (lookup) {
      case MISSING -> {
        return denied(policy, "task " + task + " does not exist in Jira");
      }
      case FOUND -> {
        return rejection.isPresent() ? denied(policy, rejection.get()) : policy;
      }
      default -> {
        String why = "task " + task + " could not be checked in Jira (" + detail + ")";
        if (target.rules().onTaskCheckUnavailable() == GovernanceSection.OnUnavailable.DENY) {
          return denied(
              policy, why + "; target " + target.name() + " denies requests it cannot check");
        }
        String reason =
            policy.outcome() == Decision.Outcome.PENDING
                ? policy.reason() + "; " + why
                : why
                    + "; target "
                    + target.name()
                    + " sends such requests to reviewers: needs "
                    + target.approvals()
                    + (target.approvals() == 1 ? " approval" : " approvals")
                    + " from "
                    + String.join(", ", target.reviewers());
        return new Decision(
            Decision.Outcome.PENDING,
            reason,
            policy.duration(),
            policy.entitlementId(),
            target.reviewers(),
            target.approvals());
      }
    }
  }

  private static Decision denied(Decision policy, String reason) {
    return new Decision(
        Decision.Outcome.DENIED, reason, Duration.ZERO, policy.entitlementId(), List.of(), 0);
  }
}
