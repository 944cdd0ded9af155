package io.hoop.engine.ssh.policy;

import static java.util.Objects.requireNonNull;

/**
 * The outcome of a guardrail check: {@code rule} names what decided (a configured rule such as
 * {@code exec.rules[0] 'rm *'}, or a built-in reason such as {@code exec.unparseable}) and {@code
 * message} is the text for the user and the audit. Allowed operations by default carry {@code
 * default} as their rule.
 */
public record Decision(Action action, String rule, String message) {
  private static final Decision ALLOW_DEFAULT = new Decision(Action.ALLOW, "default", "allowed");

  public Decision {
    requireNonNull(action, "action");
    requireNonNull(rule, "rule");
    requireNonNull(message, "message");
  }

  /** Allowed because no rule matched and the default is allow. */
  public static Decision allowByDefault() {
    return ALLOW_DEFAULT;
  }

  public static Decision allow(String rule, String message) {
    return new Decision(Action.ALLOW, rule, message);
  }

  public static Decision deny(String rule, String message) {
    return new Decision(Action.DENY, rule, message);
  }

  public static Decision review(String rule, String message) {
    return new Decision(Action.REVIEW, rule, message);
  }

  public boolean allowed() {
    return action == Action.ALLOW;
  }
}
