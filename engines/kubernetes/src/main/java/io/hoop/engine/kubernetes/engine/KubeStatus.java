package io.hoop.engine.kubernetes.engine;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

/**
 * The broker's own answers in the API server's {@code Status} form, so kubectl prints them as it
 * prints the server's: {@code Error from server (Forbidden): hoop: denied: ...}.
 */
final class KubeStatus {
  private KubeStatus() {}

  static String status(int code, String message, String rule) {
    StringBuilder s =
        new StringBuilder(
            "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\"");
    s.append(",\"message\":\"").append(quote(message)).append('"');
    s.append(",\"reason\":\"").append(reason(code)).append('"');
    if (rule != null) {
      s.append(",\"details\":{\"causes\":[{\"reason\":\"HoopRule\",\"message\":\"")
          .append(quote(rule))
          .append("\"}]}");
    }
    s.append(",\"code\":").append(code).append('}');
    return s.toString();
  }

  /** A watch event the client reads as the stream's error: {@code {"type":"ERROR",...}}. */
  static String watchError(String message) {
    return "{\"type\":\"ERROR\",\"object\":" + status(503, message, null) + "}\n";
  }

  private static String reason(int code) {
    return switch (code) {
      case 400 -> "BadRequest";
      case 403 -> "Forbidden";
      case 404 -> "NotFound";
      case 405 -> "MethodNotAllowed";
      case 414, 431 -> "RequestEntityTooLarge";
      case 503 -> "ServiceUnavailable";
      case 504 -> "Timeout";
      default -> code >= 500 ? "InternalError" : "BadRequest";
    };
  }

  private static String quote(String s) {
    return new String(JsonStringEncoder.getInstance().quoteAsString(s));
  }
}
