package io.hoop.engine.ssh.recording;

import static java.util.Objects.requireNonNull;

/**
 * The first line of an asciicast v2 file: terminal size, start time (Unix seconds), the client's
 * {@code TERM} and a title (hoop puts the target, role and grant there).
 */
public record CastHeader(int width, int height, long timestamp, String term, String title) {
  public CastHeader {
    if (width <= 0 || height <= 0 || width > CastReader.MAX_SIZE || height > CastReader.MAX_SIZE) {
      throw new IllegalArgumentException(
          "terminal size " + width + "x" + height + " is out of 1.." + CastReader.MAX_SIZE);
    }
    requireNonNull(term, "term");
    requireNonNull(title, "title");
  }
}
