package io.hoop.engine.postgres.mask;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Set;

/**
 * Masking configuration: column rules (first match wins), content detectors applied to every other
 * text-like value, the style for detected content, and the HMAC key for {@link MaskStyle#TOKEN}.
 */
public record MaskingRules(
    List<MaskRule> columns, Set<Detector> detectors, MaskStyle detectorStyle, byte[] tokenKey) {
  public MaskingRules {
    columns = List.copyOf(columns);
    detectors = Set.copyOf(detectors);
    requireNonNull(detectorStyle, "detectorStyle");
    if (tokenKey == null || tokenKey.length < 16) {
      throw new IllegalArgumentException(
          "tokenKey has "
              + (tokenKey == null ? "no" : tokenKey.length)
              + " bytes, expected at least 16");
    }
    tokenKey = tokenKey.clone();
  }

  @Override
  public byte[] tokenKey() {
    return tokenKey.clone();
  }

  @Override
  public String toString() {
    return "MaskingRules[columns="
        + columns
        + ", detectors="
        + detectors
        + ", detectorStyle="
        + detectorStyle
        + ", tokenKey=<hidden>]";
  }
}
