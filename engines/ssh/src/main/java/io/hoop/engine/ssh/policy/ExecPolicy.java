package io.hoop.engine.ssh.policy;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A role's exec rules, first match wins, and what happens to a command no rule matches: {@code
 * ALLOW} (deny-list mode) or {@code DENY} (allow-list mode).
 */
public record ExecPolicy(List<ExecRule> rules, Action defaultAction) {
  public ExecPolicy {
    rules = List.copyOf(requireNonNull(rules, "rules"));
    requireNonNull(defaultAction, "defaultAction");
    if (defaultAction == Action.REVIEW) {
      throw new IllegalArgumentException("defaultAction must be ALLOW or DENY");
    }
  }

  /** No rules: every command runs unparsed. */
  public static ExecPolicy allowAll() {
    return new ExecPolicy(List.of(), Action.ALLOW);
  }

  /** Whether commands must be parsed: any deny or review rule, or allow-list mode. */
  public boolean guarded() {
    return defaultAction == Action.DENY || rules.stream().anyMatch(r -> r.action() != Action.ALLOW);
  }
}
