package io.hoop.engine.kubernetes.config;

import static java.util.Objects.requireNonNull;

import io.hoop.engine.kubernetes.policy.KubePolicy;

/**
 * One role of a kubernetes target: the credential the broker injects, the rules its requests go
 * through (the target's shared rules first), and whether Secret values are masked in responses.
 *
 * @param maskSecrets true unless the role says {@code maskSecrets: false}
 */
public record KubeRole(
    String name, KubeCredential credential, KubePolicy policy, boolean maskSecrets) {
  public KubeRole {
    requireNonNull(name, "name");
    requireNonNull(credential, "credential");
    requireNonNull(policy, "policy");
  }
}
