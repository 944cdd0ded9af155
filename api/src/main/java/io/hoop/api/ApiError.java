package io.hoop.api;

/**
 * The error envelope every endpoint returns on failure: {@code {"error": {"code", "message",
 * "hint"}}}. {@code code} is stable for scripts; {@code message} and {@code hint} are for humans.
 */
public record ApiError(String code, String message, String hint) {
  /** Wire shape: the error nested under an {@code error} key. */
  public record Envelope(ApiError error) {}
}
