package io.hoop.engine.ssh.config;

import static java.util.Objects.requireNonNull;

/** A role of an ssh target: the target user, the broker's credential for it, and its policy. */
public record SshRole(String name, String user, SshCredential credential, SshRolePolicy policy) {
  public SshRole {
    requireNonNull(name, "name");
    requireNonNull(user, "user");
    requireNonNull(credential, "credential");
    requireNonNull(policy, "policy");
  }
}
