package io.hoop.broker.governance;

import io.hoop.broker.http.ApiException;

/** Checks the free text people type into decisions (comments, reasons). */
public final class Texts {
  public static final int MAX = 1000;

  private Texts() {}

  /** The text, or null when absent and optional; refuses control characters and huge text. */
  public static String check(String name, String value, boolean required, String hint)
      throws ApiException {
    if (value == null || value.isBlank()) {
      if (required) {
        throw new ApiException(400, name + "_required", "a " + name + " is required", hint);
      }
      return null;
    }
    if (value.length() > MAX) {
      throw new ApiException(
          400, "bad_request", name + " is longer than " + MAX + " characters", null);
    }
    // Reasons reach terminals (CLOSE notices, hoop requests) and audit records: no escapes.
    if (value.chars().anyMatch(Character::isISOControl)) {
      throw new ApiException(
          400, "bad_request", name + " must not contain control characters", null);
    }
    return value.strip();
  }
}
