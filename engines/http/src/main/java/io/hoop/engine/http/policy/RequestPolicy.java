package io.hoop.engine.http.policy;

import static java.util.Objects.requireNonNull;

import io.hoop.engine.http.config.HttpRole;
import io.hoop.engine.http.config.RequestRule;
import io.hoop.engine.http.config.RuleAction;

/**
 * Decides a request of one role from its method and normalised path. Pure.
 *
 * <p>The rules are checked in the order the config lists them and the <b>first that matches
 * decides</b> (as in a firewall): put the narrow exceptions first ({@code deny DELETE /api/**}
 * before {@code allow * /api/**}). A request no rule matches gets the role's {@code default}, which
 * is deny unless the role says {@code default: allow}.
 */
public final class RequestPolicy {
  private RequestPolicy() {}

  /**
   * The decision.
   *
   * @param rule the rule that decided, e.g. {@code roles.ops.rules[2]}, or {@code
   *     roles.ops.default} when none matched
   */
  public record Verdict(RuleAction action, String rule) {
    public Verdict {
      requireNonNull(action, "action");
      requireNonNull(rule, "rule");
    }
  }

  /** Decides {@code method} on {@code path} for {@code role}. */
  public static Verdict decide(HttpRole role, String method, String path, boolean ignoreCase) {
    requireNonNull(role, "role");
    requireNonNull(method, "method");
    requireNonNull(path, "path");
    for (RequestRule rule : role.rules()) {
      if (rule.matches(method, path, ignoreCase)) {
        return new Verdict(rule.action(), rule.key());
      }
    }
    return new Verdict(role.defaultAction(), "roles." + role.name() + ".default");
  }
}
