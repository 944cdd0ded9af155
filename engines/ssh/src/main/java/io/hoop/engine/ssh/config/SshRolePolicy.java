package io.hoop.engine.ssh.config;

import static java.util.Objects.requireNonNull;

import io.hoop.engine.ssh.policy.Action;
import io.hoop.engine.ssh.policy.ExecPolicy;
import io.hoop.engine.ssh.policy.SftpPolicy;

/**
 * A role's guardrails: interactive shells ({@code shell}), exec commands, sftp operations, local
 * forwarding, and whether keystrokes are recorded ({@code recordInput}, off by default).
 */
public record SshRolePolicy(
    Action shell,
    ExecPolicy exec,
    SftpPolicy sftp,
    ForwardingPolicy forwarding,
    boolean recordInput) {
  public SshRolePolicy {
    requireNonNull(shell, "shell");
    requireNonNull(exec, "exec");
    requireNonNull(sftp, "sftp");
    requireNonNull(forwarding, "forwarding");
  }
}
