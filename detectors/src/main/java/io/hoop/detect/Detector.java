package io.hoop.detect;

import java.util.List;

/**
 * Finds sensitive values (a card number, an SSN, a configured pattern) in free text.
 * Implementations are immutable, thread-safe and must run in time linear in the text (or bounded by
 * a cheap pre-check), because they sit on a data path.
 */
public interface Detector {
  /** The detector's name in config, e.g. {@code payment-card} or a custom detector's name. */
  String id();

  /** The detected values in {@code text}: ordered, non-overlapping spans; empty when none. */
  List<Span> find(String text);

  /** A detected value: {@code text.substring(start, end)}. */
  record Span(int start, int end) {
    public Span {
      if (start < 0 || end < start) {
        throw new IllegalArgumentException(
            "span [" + start + ", " + end + ") is not a range of a string");
      }
    }
  }
}
