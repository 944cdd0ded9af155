package io.hoop.api;

/** Lifecycle of a grant. Only {@link #APPROVED} grants open tunnels, and only until expiry. */
public enum GrantStatus {
  PENDING,
  APPROVED,
  DENIED,
  EXPIRED,
  REVOKED,
  /** Ended early by its requester: the use it was for is over ({@code hoop connect} exited). */
  RELEASED
}
