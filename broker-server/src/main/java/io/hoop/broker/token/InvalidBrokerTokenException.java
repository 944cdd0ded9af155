package io.hoop.broker.token;

/** A broker token failed verification; the message says why and never contains the token. */
public final class InvalidBrokerTokenException extends Exception {
  private static final long serialVersionUID = 1L;

  /** The stable code of a refused session whose token was revoked (logout, admin). */
  public static final String REVOKED = "session_revoked";

  private final String code;

  public InvalidBrokerTokenException(String message) {
    this("unauthenticated", message);
  }

  public InvalidBrokerTokenException(String code, String message) {
    super(message);
    this.code = code;
  }

  /** {@code unauthenticated} or {@link #REVOKED}. */
  public String code() {
    return code;
  }
}
