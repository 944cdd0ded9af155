package io.hoop.engine.http.mask;

import io.hoop.engine.http.config.MaskStyle;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Rewrites one value in a {@link MaskStyle}. Not thread-safe (it holds a Mac); one per response.
 */
final class Masks {
  static final String REDACTED = "****";

  private final byte[] key;
  private Mac mac;

  Masks(byte[] key) {
    this.key = key;
  }

  /** The HMAC of the hash style, made on first use (most responses never hash). */
  private Mac mac() {
    if (mac == null) {
      try {
        Mac m = Mac.getInstance("HmacSHA256");
        m.init(new SecretKeySpec(key, "HmacSHA256"));
        mac = m;
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("HmacSHA256 is not available", e);
      }
    }
    return mac;
  }

  String apply(MaskStyle style, String value) {
    return switch (style) {
      case REDACT -> REDACTED;
      case PARTIAL -> partial(value);
      case HASH ->
          "hash:"
              + HexFormat.of()
                  .formatHex(mac().doFinal(value.getBytes(StandardCharsets.UTF_8)))
                  .substring(0, 16);
    };
  }

  private static String partial(String value) {
    int n = value.codePointCount(0, value.length());
    if (n <= 4) {
      return REDACTED;
    }
    int keepFrom = value.offsetByCodePoints(0, n - 4);
    return "*".repeat(n - 4) + value.substring(keepFrom);
  }
}
