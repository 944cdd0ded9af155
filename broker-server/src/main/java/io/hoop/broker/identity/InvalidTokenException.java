package io.hoop.broker.identity;

/**
 * A presented token was refused; the message says why and never contains the token itself, so it is
 * safe to log and to return to the client.
 */
public final class InvalidTokenException extends Exception {
  private static final long serialVersionUID = 1L;

  private final boolean issuerUnreachable;

  public InvalidTokenException(String message) {
    this(message, null, false);
  }

  public InvalidTokenException(String message, Throwable cause) {
    this(message, cause, false);
  }

  /**
   * @param issuerUnreachable the token could not be checked because its issuer's keys could not be
   *     fetched (or are too old to trust): not the caller's fault, worth a retry
   */
  public InvalidTokenException(String message, Throwable cause, boolean issuerUnreachable) {
    super(message, cause);
    this.issuerUnreachable = issuerUnreachable;
  }

  public boolean issuerUnreachable() {
    return issuerUnreachable;
  }
}
