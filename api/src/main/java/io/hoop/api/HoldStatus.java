package io.hoop.api;

/** Where a held operation stands: waiting for a reviewer, or how it ended. */
public enum HoldStatus {
  /** Waiting for a reviewer's decision; the session waits too. */
  PENDING,
  /** A reviewer approved it: it runs once. */
  APPROVED,
  /** A reviewer denied it. */
  DENIED,
  /** Nobody decided within the target's hold timeout, or its grant ended. */
  EXPIRED,
  /** The session gave up waiting (client cancel, connection closed, broker stopped). */
  CANCELLED
}
