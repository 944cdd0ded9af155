package io.hoop.engine.http.config;

import static java.util.Objects.requireNonNull;

import io.hoop.engine.http.policy.PathGlob;
import java.util.Set;

/**
 * One rule of a role: requests whose method is in {@code methods} (empty: any method) and whose
 * normalised path matches {@code path} get {@code action}.
 *
 * @param key where the rule is in the config, e.g. {@code roles.ops.rules[2]}; named in refusals
 */
public record RequestRule(String key, Set<String> methods, PathGlob path, RuleAction action) {
  public RequestRule {
    requireNonNull(key, "key");
    methods = Set.copyOf(requireNonNull(methods, "methods"));
    requireNonNull(path, "path");
    requireNonNull(action, "action");
  }

  /** Whether the rule applies to {@code method} on the normalised {@code path}. */
  public boolean matches(String method, String path, boolean ignoreCase) {
    return (methods.isEmpty() || methods.contains(method)) && this.path.matches(path, ignoreCase);
  }
}
