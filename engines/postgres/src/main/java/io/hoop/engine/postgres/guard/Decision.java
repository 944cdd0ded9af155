package io.hoop.engine.postgres.guard;

import static java.util.Objects.requireNonNull;

/**
 * The outcome of a guardrail check: when not allowed, {@code ruleName} names the rule that blocked
 * the statement and {@code message} is the text for the client and the audit.
 */
public record Decision(boolean allowed, String ruleName, String message) {
  private static final Decision ALLOW = new Decision(true, null, null);

  public Decision {
    if (!allowed) {
      requireNonNull(ruleName, "ruleName");
      requireNonNull(message, "message");
    }
  }

  /** The statement may run. */
  public static Decision allow() {
    return ALLOW;
  }

  /** The statement is blocked by {@code ruleName}. */
  public static Decision deny(String ruleName, String message) {
    return new Decision(false, ruleName, message);
  }
}
