package io.hoop.broker.http;

/** A request the broker refuses, mapped to the JSON error envelope with this status and code. */
public final class ApiException extends Exception {
  private final int status;
  private final String code;
  private final String hint;

  public ApiException(int status, String code, String message, String hint) {
    super(message);
    this.status = status;
    this.code = code;
    this.hint = hint;
  }

  public ApiResponse toResponse() {
    return ApiResponse.error(status, code, getMessage(), hint);
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }
}
