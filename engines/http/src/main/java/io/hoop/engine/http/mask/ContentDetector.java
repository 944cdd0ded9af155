package io.hoop.engine.http.mask;

/**
 * Recognises sensitive values by their content (an e-mail address, a card number) wherever they
 * appear in a JSON response, beside the rules that name fields. The hook the PostgreSQL engine's
 * detectors plug into: implementations are pure, thread-safe and fast (they see every string value
 * of every masked response).
 */
public interface ContentDetector {
  /** The name a target's {@code detectors:} list uses, e.g. {@code email}. */
  String name();

  /** Whether {@code value} (a JSON string value, unescaped) is sensitive and must be masked. */
  boolean detects(String value);
}
