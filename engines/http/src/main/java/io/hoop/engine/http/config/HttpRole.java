package io.hoop.engine.http.config;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * One role of an http target: the credential its requests carry and the rules they pass.
 *
 * @param rules checked in order; the first that matches decides (see {@link
 *     io.hoop.engine.http.policy.RequestPolicy})
 * @param defaultAction what a request no rule matches gets ({@code default:}; deny unless the role
 *     says allow)
 */
public record HttpRole(
    String name, Credential credential, List<RequestRule> rules, RuleAction defaultAction) {
  public HttpRole {
    requireNonNull(name, "name");
    requireNonNull(credential, "credential");
    rules = List.copyOf(requireNonNull(rules, "rules"));
    requireNonNull(defaultAction, "defaultAction");
  }
}
