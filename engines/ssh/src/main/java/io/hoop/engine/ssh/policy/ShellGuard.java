package io.hoop.engine.ssh.policy;

import static java.util.Objects.requireNonNull;

/**
 * Decides whether a role may open an interactive shell: allow, deny or review, per role, and
 * nothing finer. A shell guardrail cannot see the commands typed into a shell: the bytes the user
 * types are keystrokes (with line editing, history, completion, tab and escape sequences), not
 * commands, and the shell may run anything the user can. What happens inside a shell is known only
 * through the recording. Roles whose commands must be checked should deny the shell and use exec.
 */
public final class ShellGuard {
  private ShellGuard() {}

  public static Decision decide(Action shell) {
    requireNonNull(shell, "shell");
    return switch (shell) {
      case ALLOW -> Decision.allow("shell", "interactive shells are allowed for this role");
      case DENY ->
          Decision.deny(
              "shell",
              "denied: interactive shells are not allowed for this role; run commands with exec");
      case REVIEW ->
          Decision.review("shell", "needs review: interactive shells need a reviewer's approval");
    };
  }
}
