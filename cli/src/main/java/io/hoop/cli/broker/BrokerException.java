package io.hoop.cli.broker;

import io.hoop.api.ApiError;
import io.hoop.cli.HoopException;

/** The broker answered with an error envelope; {@link #httpStatus()} decides the exit code. */
public final class BrokerException extends HoopException {
  private static final long serialVersionUID = 1L;

  private final int httpStatus;
  private final transient ApiError error;

  public BrokerException(int httpStatus, ApiError error) {
    super(describe(httpStatus, error));
    this.httpStatus = httpStatus;
    this.error = error;
  }

  public int httpStatus() {
    return httpStatus;
  }

  public ApiError error() {
    return error;
  }

  private static String describe(int status, ApiError error) {
    if (error == null) {
      return "broker answered HTTP " + status + " without an error message";
    }
    String text = error.message() != null ? error.message() : "HTTP " + status;
    if (error.hint() != null && !error.hint().isBlank()) {
      text += " (" + error.hint() + ")";
    }
    return text;
  }
}
