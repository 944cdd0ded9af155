package io.hoop.detect;

import java.util.function.UnaryOperator;

/**
 * The string leaves of a JSON document, decoded, so detectors see {@code "a\u0040b.example"} as the
 * address it is: a document stored as {@code json} keeps its input's escapes. Not a validating
 * parser; on anything that is not a well-formed string token it stops and reports what it has.
 */
public final class JsonStrings {
  private JsonStrings() {}

  /**
   * Applies {@code mask} to each string leaf (and object key) that holds a backslash escape,
   * decoded; {@code mask} returns the masked text or null for no change. Leaves without escapes are
   * already visible to detectors in the raw text.
   *
   * @return the document with changed leaves re-encoded, or null when nothing changed
   */
  public static String maskEscapedLeaves(String json, UnaryOperator<String> mask) {
    StringBuilder out = null;
    int copied = 0;
    int i = 0;
    int n = json.length();
    while (i < n) {
      if (json.charAt(i) != '"') {
        i++;
        continue;
      }
      int start = i;
      StringBuilder decoded = new StringBuilder();
      boolean escaped = false;
      i++;
      boolean closed = false;
      while (i < n) {
        char c = json.charAt(i);
        if (c == '"') {
          closed = true;
          i++;
          break;
        }
        if (c == '\\' && i + 1 < n) {
          escaped = true;
          char e = json.charAt(i + 1);
          switch (e) {
            case 'n' -> decoded.append('\n');
            case 't' -> decoded.append('\t');
            case 'r' -> decoded.append('\r');
            case 'b' -> decoded.append('\b');
            case 'f' -> decoded.append('\f');
            case 'u' -> {
              if (i + 6 > n) {
                return out == null ? null : out.append(json, copied, n).toString();
              }
              try {
                decoded.append((char) Integer.parseInt(json.substring(i + 2, i + 6), 16));
              } catch (NumberFormatException ex) {
                decoded.append('?');
              }
              i += 4;
            }
            default -> decoded.append(e);
          }
          i += 2;
          continue;
        }
        decoded.append(c);
        i++;
      }
      if (!closed) {
        break;
      }
      if (!escaped) {
        continue;
      }
      String masked = mask.apply(decoded.toString());
      if (masked != null) {
        if (out == null) {
          out = new StringBuilder(n);
        }
        out.append(json, copied, start).append(quote(masked));
        copied = i;
      }
    }
    return out == null ? null : out.append(json, copied, n).toString();
  }

  /** {@code s} as a JSON string token. */
  public static String quote(String s) {
    StringBuilder q = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> q.append("\\\"");
        case '\\' -> q.append("\\\\");
        default -> {
          if (c < 0x20) {
            q.append(String.format("\\u%04x", (int) c));
          } else {
            q.append(c);
          }
        }
      }
    }
    return q.append('"').toString();
  }
}
