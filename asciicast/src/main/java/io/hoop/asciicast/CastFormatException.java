package io.hoop.asciicast;

/** A cast file is not valid asciicast v2; the message names the line. */
public final class CastFormatException extends Exception {
  private static final long serialVersionUID = 1L;

  CastFormatException(String message) {
    super(message, null, false, false);
  }
}
