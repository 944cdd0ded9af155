package io.hoop.asciicast;

import static java.util.Objects.requireNonNull;

/**
 * The first line of an asciicast v2 file: terminal size, start time (Unix seconds), the client's
 * {@code TERM}, a title (hoop puts the target, role and grant there) and the {@code
 * idle_time_limit} players cap pauses at (seconds, null when absent; the writer writes none).
 */
public record CastHeader(
    int width, int height, long timestamp, String term, String title, Double idleTimeLimit) {
  public CastHeader {
    if (width <= 0 || height <= 0 || width > CastReader.MAX_SIZE || height > CastReader.MAX_SIZE) {
      throw new IllegalArgumentException(
          "terminal size " + width + "x" + height + " is out of 1.." + CastReader.MAX_SIZE);
    }
    requireNonNull(term, "term");
    requireNonNull(title, "title");
    if (idleTimeLimit != null && !(idleTimeLimit > 0 && Double.isFinite(idleTimeLimit))) {
      throw new IllegalArgumentException(
          "idleTimeLimit is " + idleTimeLimit + "; expected seconds above 0, or none");
    }
  }

  /** A header without an idle time limit, as the writer records. */
  public CastHeader(int width, int height, long timestamp, String term, String title) {
    this(width, height, timestamp, term, title, null);
  }
}
