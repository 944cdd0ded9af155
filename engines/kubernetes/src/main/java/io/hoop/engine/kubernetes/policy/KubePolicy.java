package io.hoop.engine.kubernetes.policy;

import static java.util.Objects.requireNonNull;

import io.hoop.engine.ssh.policy.Action;
import io.hoop.engine.ssh.policy.ExecPolicy;
import java.util.List;

/**
 * A role's rules over Kubernetes requests (the target's shared rules first, then the role's), what
 * happens to a request no rule matches ({@code ALLOW} or {@code DENY}), and the command rules of
 * {@code pods/exec} (the ssh engine's, so one command policy reads the same for both).
 */
public record KubePolicy(List<KubeRule> rules, Action defaultAction, ExecPolicy exec) {
  public KubePolicy {
    rules = List.copyOf(requireNonNull(rules, "rules"));
    requireNonNull(defaultAction, "defaultAction");
    requireNonNull(exec, "exec");
    if (defaultAction == Action.REVIEW) {
      throw new IllegalArgumentException("defaultAction must be ALLOW or DENY");
    }
  }
}
