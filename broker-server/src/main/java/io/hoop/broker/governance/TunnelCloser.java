package io.hoop.broker.governance;

/** Closes the live tunnels of a grant (the tunnel server's {@code closeGrant}). */
@FunctionalInterface
public interface TunnelCloser {
  /** Closes every live tunnel of the grant with a CLOSE notice; returns how many were closed. */
  int closeGrant(String grantId, String code, String message);
}
