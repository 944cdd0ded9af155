package io.hoop.broker.token;

/** Tells whether a broker token id ({@code jti}) was revoked before its expiry. */
@FunctionalInterface
public interface Revocations {
  /** Nothing is revoked. */
  Revocations NONE = jti -> false;

  boolean isRevoked(String jti);
}
