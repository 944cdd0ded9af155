package io.hoop.engine.postgres.mask;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * Runs the content detectors over free text that has no column to name it: bound parameters for the
 * session recording and the fields of {@code COPY ... TO STDOUT} lines. Hex-encoded bytea ({@code
 * \x...} or, escaped in COPY text format, {@code \\x...}) is decoded first, so a cast to bytea does
 * not hide a value from the detectors.
 */
public final class TextMasker {
  private static final HexFormat HEX = HexFormat.of();

  private final MaskingRules rules;
  private final Masks masks;

  /** A masker applying the detectors and detector style of {@code rules}. */
  public TextMasker(MaskingRules rules) {
    this.rules = requireNonNull(rules, "rules");
    this.masks = new Masks(rules.tokenKey());
  }

  /** Whether any detector is configured; without one, {@link #mask} never changes anything. */
  public boolean active() {
    return !rules.detectors().isEmpty();
  }

  /** The masked text, or null when no detector matched. */
  public String mask(String value) {
    if (!active()) {
      return null;
    }
    int prefix = hexPrefix(value);
    if (prefix > 0) {
      String decoded;
      try {
        decoded = new String(HEX.parseHex(value, prefix, value.length()), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        decoded = null;
      }
      if (decoded != null) {
        String masked = masks.maskDetected(rules, decoded);
        return masked == null
            ? null
            : value.substring(0, prefix) + HEX.formatHex(masked.getBytes(StandardCharsets.UTF_8));
      }
    }
    return masks.maskDetected(rules, value);
  }

  /** Length of a {@code \x} or {@code \\x} prefix followed by an even number of chars, else 0. */
  private static int hexPrefix(String value) {
    int prefix;
    if (value.startsWith("\\x")) {
      prefix = 2;
    } else if (value.startsWith("\\\\x")) {
      prefix = 3;
    } else {
      return 0;
    }
    return (value.length() - prefix) % 2 == 0 ? prefix : 0;
  }
}
