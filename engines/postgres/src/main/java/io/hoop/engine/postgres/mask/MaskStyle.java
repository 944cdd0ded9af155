package io.hoop.engine.postgres.mask;

/** How a masked value is replaced. */
public enum MaskStyle {
  /** Replaced by {@code ****}. */
  REDACT,
  /** All but the last four characters replaced by {@code *}; short values fully. */
  PARTIAL,
  /** Replaced by a keyed HMAC-SHA256 token, so equal values stay equal (joins, GROUP BY). */
  TOKEN
}
