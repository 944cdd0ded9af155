package io.hoop.asciicast;

import static java.util.Objects.requireNonNull;

/**
 * One asciicast v2 event: seconds since the start, the type ({@code o} output, {@code i} input,
 * {@code r} resize as {@code COLSxROWS}, {@code m} marker) and its text.
 */
public record CastEvent(double time, String type, String data) {
  public CastEvent {
    requireNonNull(type, "type");
    requireNonNull(data, "data");
  }
}
