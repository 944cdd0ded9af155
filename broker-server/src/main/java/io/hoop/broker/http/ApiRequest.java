package io.hoop.broker.http;

import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One HTTP request, fully read (bodies are capped by the server before they get here).
 *
 * @param method upper-case method
 * @param path decoded path without the query string
 * @param query query parameters, first value wins
 * @param headers header names lower-cased
 * @param body raw body, never null
 * @param remote peer address
 * @param baseUrl the URL clients reach this broker at, e.g. {@code https://127.0.0.1:8443}
 */
public record ApiRequest(
    String method,
    String path,
    Map<String, String> query,
    Map<String, String> headers,
    byte[] body,
    InetSocketAddress remote,
    String baseUrl) {

  public String header(String name) {
    return headers.get(name.toLowerCase(java.util.Locale.ROOT));
  }

  /** The body parsed as {@code application/x-www-form-urlencoded}; first value wins. */
  public Map<String, String> form() {
    return parseUrlEncoded(new String(body, StandardCharsets.UTF_8));
  }

  /** Parses {@code a=1&b=2}; malformed escapes raise {@link IllegalArgumentException}. */
  public static Map<String, String> parseUrlEncoded(String s) {
    Map<String, String> out = new LinkedHashMap<>();
    if (s == null || s.isEmpty()) {
      return out;
    }
    for (String pair : List.of(s.split("&"))) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String k = eq < 0 ? pair : pair.substring(0, eq);
      String v = eq < 0 ? "" : pair.substring(eq + 1);
      out.putIfAbsent(
          URLDecoder.decode(k, StandardCharsets.UTF_8),
          URLDecoder.decode(v, StandardCharsets.UTF_8));
    }
    return out;
  }

  @Override
  public String toString() {
    // Bodies and headers may carry tokens and passwords: never print them.
    return "ApiRequest[" + method + " " + path + " from " + remote + "]";
  }
}
