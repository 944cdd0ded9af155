package io.hoop.engine.ssh.policy;

import static java.util.Objects.requireNonNull;

import java.util.List;

/** A role's sftp rules, first match wins, and the action for operations no rule matches. */
public record SftpPolicy(List<SftpRule> rules, Action defaultAction) {
  public SftpPolicy {
    rules = List.copyOf(requireNonNull(rules, "rules"));
    requireNonNull(defaultAction, "defaultAction");
    if (defaultAction == Action.REVIEW) {
      throw new IllegalArgumentException("defaultAction must be ALLOW or DENY");
    }
  }

  public static SftpPolicy allowAll() {
    return new SftpPolicy(List.of(), Action.ALLOW);
  }
}
