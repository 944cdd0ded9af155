package io.hoop.api;

import java.net.URI;
import java.util.Locale;
import java.util.Set;

/**
 * The one rule for identity provider URLs, applied by the broker's config and the CLI alike: {@code
 * https://}, or {@code http://} on a loopback address only (a test or a local IdP; tokens and
 * refresh tokens must never cross a network in clear).
 */
public final class IssuerUrls {
  private static final Set<String> LOOPBACK = Set.of("127.0.0.1", "localhost", "[::1]", "::1");

  private IssuerUrls() {}

  /** Whether {@code url} is an https URL with a host, or an http URL on loopback. */
  public static boolean acceptable(String url) {
    if (url == null) {
      return false;
    }
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      return false;
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    String host = uri.getHost();
    if (host == null || uri.getUserInfo() != null) {
      return false;
    }
    return scheme.equals("https")
        || (scheme.equals("http") && LOOPBACK.contains(host.toLowerCase(Locale.ROOT)));
  }

  /** What is expected, for error messages after {@code '<url>' }. */
  public static String expectation() {
    return "must be an https:// URL (http:// only on loopback: 127.0.0.1, [::1] or localhost)";
  }
}
