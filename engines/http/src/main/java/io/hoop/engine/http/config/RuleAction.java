package io.hoop.engine.http.config;

/** What a request rule does with the requests it matches. */
public enum RuleAction {
  /** Forwarded to the target with the role's credential. */
  ALLOW,
  /** Answered 403 by the broker, naming the rule; never reaches the target. */
  DENY,
  /** Held for the target's reviewers; forwarded once when approved, 403 otherwise. */
  REVIEW
}
