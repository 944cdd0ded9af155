package io.hoop.broker.identity;

import com.nimbusds.jwt.JWTClaimsSet;
import java.util.Map;

/**
 * Reads a claim by name or by dotted path ({@code realm_access.roles}): a top-level claim with the
 * exact name wins, so namespaced claims such as {@code https://acme.example/roles} still work.
 */
public final class ClaimPaths {
  private ClaimPaths() {}

  /** The value at {@code path}, or null when any step is missing or not an object. */
  public static Object get(JWTClaimsSet claims, String path) {
    Object exact = claims.getClaim(path);
    if (exact != null || path.indexOf('.') < 0) {
      return exact;
    }
    Object cur = claims.getClaims();
    for (String step : path.split("\\.")) {
      if (!(cur instanceof Map<?, ?> m)) {
        return null;
      }
      cur = m.get(step);
    }
    return cur;
  }

  /** The value at {@code path} as text: strings as they are, numbers and booleans printed. */
  public static String text(JWTClaimsSet claims, String path) {
    Object v = get(claims, path);
    if (v instanceof String s) {
      return s;
    }
    if (v instanceof Number || v instanceof Boolean) {
      return String.valueOf(v);
    }
    return null;
  }
}
