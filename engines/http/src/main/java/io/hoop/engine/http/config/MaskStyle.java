package io.hoop.engine.http.config;

import java.util.Locale;

/**
 * How a masked JSON value is rewritten. The engine's own enum (the postgres engine's is internal to
 * it and this module does not depend on that engine); the names match so one vocabulary serves both
 * configs.
 */
public enum MaskStyle {
  /** Replaced by {@code ****}. */
  REDACT,
  /** All but the last four characters replaced by {@code *}; values of four or fewer fully. */
  PARTIAL,
  /**
   * Replaced by {@code hash:} and 16 hex digits of an HMAC-SHA256 under a key the broker draws at
   * start: equal values stay equal within the broker's lifetime, and low-entropy values (card
   * numbers) cannot be brute-forced from the hash without the key.
   */
  HASH;

  /** The config spelling: {@code redact}, {@code partial}, {@code hash}. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a config spelling; null when it is none of them. */
  public static MaskStyle parse(String value) {
    for (MaskStyle style : values()) {
      if (style.configName().equals(value)) {
        return style;
      }
    }
    return null;
  }
}
