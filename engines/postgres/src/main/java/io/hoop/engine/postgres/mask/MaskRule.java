package io.hoop.engine.postgres.mask;

import static java.util.Objects.requireNonNull;

/**
 * Masks columns whose {@code schema.table.column} matches {@code columnGlob} ({@code *}, {@code
 * ?}).
 */
public record MaskRule(String columnGlob, MaskStyle style) {
  public MaskRule {
    requireNonNull(columnGlob, "columnGlob");
    requireNonNull(style, "style");
  }
}
