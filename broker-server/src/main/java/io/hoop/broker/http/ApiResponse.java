package io.hoop.broker.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.hoop.api.ApiError;
import io.hoop.api.Json;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** One HTTP response; built with the static factories. */
public record ApiResponse(
    int status, String contentType, byte[] body, Map<String, String> headers) {

  public static ApiResponse json(int status, Object value) {
    try {
      return new ApiResponse(
          status, "application/json", Json.mapper().writeValueAsBytes(value), Map.of());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize " + value.getClass().getSimpleName(), e);
    }
  }

  public static ApiResponse html(int status, String html) {
    return new ApiResponse(
        status, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8), Map.of());
  }

  public static ApiResponse error(int status, String code, String message, String hint) {
    return json(status, new ApiError.Envelope(new ApiError(code, message, hint)));
  }

  /** Adds a header, e.g. {@code Cache-Control: no-store} on token responses. */
  public ApiResponse withHeader(String name, String value) {
    Map<String, String> h = new java.util.LinkedHashMap<>(headers);
    h.put(name, value);
    return new ApiResponse(status, contentType, body, Map.copyOf(h));
  }
}
