package io.hoop.engine.postgres.mask;

import static java.util.Objects.requireNonNull;

import io.hoop.detect.Detector;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Masking configuration: column rules (first match wins), content detectors applied to every other
 * text-like value, the style for detected content (per detector where configured), what happens to
 * computed columns of unknown lineage, and the HMAC key for {@link MaskStyle#TOKEN}.
 */
public record MaskingRules(
    List<MaskRule> columns,
    Set<Detector> detectors,
    MaskStyle detectorStyle,
    Map<String, MaskStyle> detectorStyles,
    UnknownLineage onUnknownLineage,
    byte[] tokenKey) {
  public MaskingRules {
    columns = List.copyOf(columns);
    detectors = Set.copyOf(detectors);
    requireNonNull(detectorStyle, "detectorStyle");
    detectorStyles = Map.copyOf(detectorStyles);
    requireNonNull(onUnknownLineage, "onUnknownLineage");
    if (tokenKey == null || tokenKey.length < 16) {
      throw new IllegalArgumentException(
          "tokenKey has "
              + (tokenKey == null ? "no" : tokenKey.length)
              + " bytes, expected at least 16");
    }
    tokenKey = tokenKey.clone();
  }

  /** Rules with one style for all detectors and unknown lineage redacted. */
  public MaskingRules(
      List<MaskRule> columns, Set<Detector> detectors, MaskStyle detectorStyle, byte[] tokenKey) {
    this(columns, detectors, detectorStyle, Map.of(), UnknownLineage.REDACT, tokenKey);
  }

  /** The style for what {@code detector} finds. */
  public MaskStyle styleOf(Detector detector) {
    return detectorStyles.getOrDefault(detector.id(), detectorStyle);
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
        + ", detectorStyles="
        + detectorStyles
        + ", onUnknownLineage="
        + onUnknownLineage
        + ", tokenKey=<hidden>]";
  }
}
