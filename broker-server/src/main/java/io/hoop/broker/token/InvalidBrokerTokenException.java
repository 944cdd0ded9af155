package io.hoop.broker.token;

/** A broker token failed verification; the message says why and never contains the token. */
public final class InvalidBrokerTokenException extends Exception {
  public InvalidBrokerTokenException(String message) {
    super(message);
  }
}
