package io.hoop.engine.postgres.guard;

import static java.util.Objects.requireNonNull;

/**
 * The outcome of a guardrail check: allowed, denied, or held for a reviewer ({@code review}). When
 * not allowed, {@code ruleName} names the rule that denied or held the statement and {@code
 * message} is the text for the client and the audit.
 */
public record Decision(boolean allowed, boolean review, String ruleName, String message) {
  private static final Decision ALLOW = new Decision(true, false, null, null);

  public Decision {
    if (!allowed) {
      requireNonNull(ruleName, "ruleName");
      requireNonNull(message, "message");
    } else if (review) {
      throw new IllegalArgumentException("an allowed statement is not held for review");
    }
  }

  /** The statement may run. */
  public static Decision allow() {
    return ALLOW;
  }

  /** The statement is blocked by {@code ruleName}. */
  public static Decision deny(String ruleName, String message) {
    return new Decision(false, false, ruleName, message);
  }

  /** The statement may run once a reviewer approves it, by {@code ruleName}. */
  public static Decision review(String ruleName, String message) {
    return new Decision(false, true, ruleName, message);
  }

  /** Whether the statement is refused outright (not allowed and not held for review). */
  public boolean denied() {
    return !allowed && !review;
  }
}
