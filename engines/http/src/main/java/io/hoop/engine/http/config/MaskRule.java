package io.hoop.engine.http.config;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * One masking rule: JSON values under a field called {@code field} (at any depth), or at the JSON
 * pointer {@code pointer} whose segments may be {@code *} (any one field or array index), are
 * rewritten with {@code style}. Exactly one of field and pointer is set.
 *
 * @param pointer the pointer's segments, unescaped ({@code ~1} is {@code /}, {@code ~0} is {@code
 *     ~}); null for a field rule
 */
public record MaskRule(String key, String field, List<String> pointer, MaskStyle style) {
  public MaskRule {
    requireNonNull(key, "key");
    requireNonNull(style, "style");
    if ((field == null) == (pointer == null)) {
      throw new IllegalArgumentException(key + ": expected exactly one of field and pointer");
    }
    pointer = pointer == null ? null : List.copyOf(pointer);
  }
}
