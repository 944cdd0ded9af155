package io.hoop.engine.postgres.engine.internal;

import io.hoop.engine.postgres.mask.TextMasker;
import java.nio.charset.StandardCharsets;

/**
 * Masks the rows of a textual {@code COPY ... TO STDOUT} (text or CSV format) with the content
 * detectors. Each CopyData row is cut at tabs and commas, the delimiters of the text and CSV
 * formats; a piece is either a whole field or part of one, and since no detector matches across a
 * tab or comma and no mask contains one, rewriting pieces keeps the row's shape. Column rules
 * cannot apply here (COPY sends no column description), so the engine refuses COPY TO when the
 * target has column rules.
 */
public final class CopyMasker {
  /** A row after masking and how many pieces of it were rewritten. */
  public record Masked(byte[] data, int maskedFields) {}

  private final TextMasker masker;

  /** Masks with the detectors of {@code masker}. */
  public CopyMasker(TextMasker masker) {
    this.masker = masker;
  }

  /** Masks one CopyData payload; returns the same array when nothing matched. */
  public Masked mask(byte[] data) {
    String row = new String(data, StandardCharsets.UTF_8);
    StringBuilder out = null;
    int masked = 0;
    int start = 0;
    int n = row.length();
    for (int i = 0; i <= n; i++) {
      if (i < n && row.charAt(i) != '\t' && row.charAt(i) != ',' && row.charAt(i) != '\n') {
        continue;
      }
      String piece = row.substring(start, i);
      String replacement = piece.isEmpty() ? null : masker.mask(piece);
      if (replacement != null && out == null) {
        out = new StringBuilder(n + 16).append(row, 0, start);
      }
      if (out != null) {
        out.append(replacement == null ? piece : replacement);
        if (i < n) {
          out.append(row.charAt(i));
        }
      }
      if (replacement != null) {
        masked++;
      }
      start = i + 1;
    }
    return out == null
        ? new Masked(data, 0)
        : new Masked(out.toString().getBytes(StandardCharsets.UTF_8), masked);
  }
}
