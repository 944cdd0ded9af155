package io.hoop.engine.ssh.bridge;

import static java.util.Objects.requireNonNull;

/**
 * The answer of a bridge policy hook: allowed, denied with a reason the user may read, or held for
 * review ({@code rule} names the rule that asked for it, e.g. {@code exec.rules[1]}).
 */
public record Verdict(Outcome outcome, String rule, String reason) {

  /** What the hook decided. */
  public enum Outcome {
    ALLOW,
    DENY,
    REVIEW
  }

  public Verdict {
    requireNonNull(outcome, "outcome");
    requireNonNull(rule, "rule");
    requireNonNull(reason, "reason");
  }

  public static Verdict allow() {
    return new Verdict(Outcome.ALLOW, "", "");
  }

  public static Verdict deny(String reason) {
    return new Verdict(Outcome.DENY, "", reason);
  }

  /** The operation waits for a reviewer: only exec commands can be held; others deny. */
  public static Verdict review(String rule, String reason) {
    return new Verdict(Outcome.REVIEW, rule, reason);
  }

  public boolean allowed() {
    return outcome == Outcome.ALLOW;
  }
}
