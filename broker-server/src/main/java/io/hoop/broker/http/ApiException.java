package io.hoop.broker.http;

/**
 * A request the broker refuses, mapped to the JSON error envelope with this status and code. It may
 * name the verified principal behind the refused request, for the refusal's audit record.
 */
public final class ApiException extends Exception {
  private final int status;
  private final String code;
  private final String hint;
  private final String principal;

  public ApiException(int status, String code, String message, String hint) {
    this(status, code, message, hint, null);
  }

  private ApiException(int status, String code, String message, String hint, String principal) {
    super(message);
    this.status = status;
    this.code = code;
    this.hint = hint;
    this.principal = principal;
  }

  /**
   * This refusal, naming {@code verifiedPrincipal} (a principal proven by a verified token); an
   * exception that already names one keeps it.
   */
  public ApiException withPrincipal(String verifiedPrincipal) {
    if (principal != null || verifiedPrincipal == null) {
      return this;
    }
    ApiException e = new ApiException(status, code, getMessage(), hint, verifiedPrincipal);
    e.setStackTrace(getStackTrace());
    return e;
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

  /** The verified principal behind the refused request, or null when none is known. */
  public String principal() {
    return principal;
  }
}
