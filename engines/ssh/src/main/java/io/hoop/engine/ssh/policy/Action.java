package io.hoop.engine.ssh.policy;

/** What a guardrail does with an operation: let it run, refuse it, or hold it for a reviewer. */
public enum Action {
  ALLOW,
  DENY,
  REVIEW
}
