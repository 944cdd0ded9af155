package io.hoop.broker.identity;

/**
 * A presented token was refused; the message says why and never contains the token itself, so it is
 * safe to log and to return to the client.
 */
public final class InvalidTokenException extends Exception {
  private static final long serialVersionUID = 1L;

  public InvalidTokenException(String message) {
    super(message);
  }

  public InvalidTokenException(String message, Throwable cause) {
    super(message, cause);
  }
}
