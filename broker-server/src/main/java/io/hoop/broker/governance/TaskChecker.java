package io.hoop.broker.governance;

import io.hoop.api.Principal;
import io.hoop.broker.config.GovernanceSection;
import io.hoop.broker.config.TargetConfig;
import io.hoop.broker.policy.Decision;
import io.hoop.broker.policy.JiraTaskRule;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Checks a request's task in Jira when its target asks for it, and folds the answer into policy's
 * decision ({@link JiraTaskRule#apply}). Issues that allowed access are cached for {@link
 * #POSITIVE_TTL}, so a burst of requests on one task costs one Jira call; rejections and failures
 * are never cached, so fixing the issue in Jira takes effect on the next request.
 */
public final class TaskChecker {
  /** How long an issue that allowed access is reused. */
  public static final Duration POSITIVE_TTL = Duration.ofSeconds(60);

  private static final int MAX_CACHED = 10_000;

  private final Clock clock;
  private final AtomicReference<JiraClient> client = new AtomicReference<>();
  private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();

  private record Cached(JiraTaskRule.Issue issue, Instant until) {}

  public TaskChecker(Clock clock) {
    this.clock = clock;
  }

  /**
   * Policy's decision after the target's Jira check; unchanged when the target has none or policy
   * denied already.
   */
  public Decision check(
      Optional<GovernanceSection.Jira> jira,
      TargetConfig target,
      String task,
      Principal caller,
      Decision policy) {
    Optional<GovernanceSection.JiraCheck> rule = target.rules().jira();
    if (rule.isEmpty() || policy.outcome() == Decision.Outcome.DENIED) {
      return policy;
    }
    if (jira.isEmpty()) {
      // The loader refuses task.jira without a jira section; a reload cannot remove one alone.
      return JiraTaskRule.apply(
          policy,
          target,
          task,
          JiraTaskRule.Lookup.UNAVAILABLE,
          Optional.empty(),
          "no jira section in the config");
    }
    JiraClient c = client(jira.get());
    String key = jira.get().baseUrl() + " " + task;
    Instant now = clock.instant();
    Cached hit = cache.get(key);
    if (hit != null && now.isBefore(hit.until())) {
      Optional<String> why = JiraTaskRule.judge(rule.get(), task, hit.issue(), caller);
      if (why.isEmpty()) {
        return policy;
      }
    }
    JiraClient.Result r = c.issue(task);
    Optional<String> rejection = Optional.empty();
    if (r.issue().isPresent()) {
      rejection = JiraTaskRule.judge(rule.get(), task, r.issue().get(), caller);
      if (rejection.isEmpty()) {
        if (cache.size() >= MAX_CACHED) {
          cache.clear();
        }
        cache.put(key, new Cached(r.issue().get(), now.plus(POSITIVE_TTL)));
      }
    }
    return JiraTaskRule.apply(policy, target, task, r.lookup(), rejection, r.detail());
  }

  private JiraClient client(GovernanceSection.Jira jira) {
    JiraClient c = client.get();
    if (c == null || !c.config().equals(jira)) {
      // A reload changed the Jira settings: new client, and nothing cached under the old ones.
      c = new JiraClient(jira);
      client.set(c);
      cache.clear();
    }
    return c;
  }
}
