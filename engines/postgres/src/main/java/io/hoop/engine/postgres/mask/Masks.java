package io.hoop.engine.postgres.mask;

import io.hoop.detect.Detector;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Applies mask styles to strings and detector matches within strings. */
final class Masks {
  static final String REDACTED = "****";

  private final SecretKeySpec key;

  Masks(byte[] tokenKey) {
    this.key = new SecretKeySpec(tokenKey, "HmacSHA256");
  }

  String apply(MaskStyle style, String value) {
    return switch (style) {
      case REDACT -> REDACTED;
      case PARTIAL -> partial(value);
      case TOKEN -> token(value);
    };
  }

  /** Replaces every detected span; returns null when nothing was detected. */
  String maskDetected(MaskingRules rules, String value) {
    String current = value;
    boolean changed = false;
    for (Detector detector : rules.detectors()) {
      List<Detector.Span> spans = detector.find(current);
      if (spans.isEmpty()) {
        continue;
      }
      MaskStyle style = rules.styleOf(detector);
      StringBuilder out = new StringBuilder(current.length());
      int last = 0;
      for (Detector.Span span : spans) {
        if (span.start() < last || span.end() > current.length()) {
          continue;
        }
        out.append(current, last, span.start())
            .append(apply(style, current.substring(span.start(), span.end())));
        last = span.end();
      }
      out.append(current, last, current.length());
      current = out.toString();
      changed = true;
    }
    return changed ? current : null;
  }

  private static String partial(String value) {
    int n = value.codePointCount(0, value.length());
    if (n <= 4) {
      return REDACTED;
    }
    int keepFrom = value.offsetByCodePoints(0, n - 4);
    return "*".repeat(n - 4) + value.substring(keepFrom);
  }

  private String token(String value) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      byte[] digest = mac.doFinal(value.getBytes(StandardCharsets.UTF_8));
      return "tok_" + HexFormat.of().formatHex(digest, 0, 8);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available in this JDK", e);
    }
  }
}
