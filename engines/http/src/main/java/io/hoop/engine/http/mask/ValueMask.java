package io.hoop.engine.http.mask;

/**
 * A rewrite of one masked value that an engine defines for its own formats, e.g. base64 text for a
 * Kubernetes Secret's {@code data} (whose readers decode base64). Must not throw; pure.
 */
@FunctionalInterface
public interface ValueMask {
  /**
   * The string written in place of the value; null to keep a string value as it is (not counted as
   * masked). A non-string container is replaced whole whatever this returns.
   *
   * @param value the masked string, or null when the value is not a string (an object, an array, a
   *     number, a boolean), which is replaced whole
   */
  String mask(String value);
}
