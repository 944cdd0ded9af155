package io.hoop.engine.postgres.sql;

/** Backslash and Unicode escapes of PostgreSQL string constants. */
final class Unescape {
  private Unescape() {}

  /**
   * Reads the escape at {@code sql[at]} (a backslash) into {@code out}; returns the index after it.
   */
  static int backslash(String sql, int at, StringBuilder out) {
    int i = at + 1;
    if (i >= sql.length()) {
      out.append('\\');
      return i;
    }
    char c = sql.charAt(i);
    switch (c) {
      case 'b' -> out.append('\b');
      case 'f' -> out.append('\f');
      case 'n' -> out.append('\n');
      case 'r' -> out.append('\r');
      case 't' -> out.append('\t');
      case 'x' -> {
        int end = hexEnd(sql, i + 1, 2);
        if (end == i + 1) {
          out.append('x');
        } else {
          out.append((char) Integer.parseInt(sql.substring(i + 1, end), 16));
        }
        return end;
      }
      case 'u', 'U' -> {
        int digits = c == 'u' ? 4 : 8;
        int end = hexEnd(sql, i + 1, digits);
        if (end - (i + 1) != digits) {
          out.append(c);
          return i + 1;
        }
        appendCodePoint(out, Long.parseLong(sql.substring(i + 1, end), 16));
        return end;
      }
      default -> {
        if (c >= '0' && c <= '7') {
          int end = i;
          while (end < sql.length()
              && end < i + 3
              && sql.charAt(end) >= '0'
              && sql.charAt(end) <= '7') {
            end++;
          }
          out.append((char) (Integer.parseInt(sql.substring(i, end), 8) & 0xff));
          return end;
        }
        out.append(c);
      }
    }
    return i + 1;
  }

  /** Decodes the {@code \XXXX} and {@code \+XXXXXX} escapes of {@code U&} strings. */
  static String unicode(String text) {
    return unicode(text, '\\');
  }

  /** Decodes the escapes of {@code U&} strings whose escape character is {@code escape}. */
  static String unicode(String text, char escape) {
    StringBuilder out = new StringBuilder(text.length());
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c != escape || i + 1 >= text.length()) {
        out.append(c);
        i++;
      } else if (text.charAt(i + 1) == escape) {
        out.append(escape);
        i += 2;
      } else {
        int from = text.charAt(i + 1) == '+' ? i + 2 : i + 1;
        int digits = from == i + 2 ? 6 : 4;
        int end = hexEnd(text, from, digits);
        if (end - from == digits) {
          appendCodePoint(out, Long.parseLong(text.substring(from, end), 16));
          i = end;
        } else {
          out.append(c);
          i++;
        }
      }
    }
    return out.toString();
  }

  private static int hexEnd(String s, int from, int max) {
    int end = from;
    while (end < s.length() && end < from + max && Character.digit(s.charAt(end), 16) >= 0) {
      end++;
    }
    return end;
  }

  private static void appendCodePoint(StringBuilder out, long cp) {
    if (cp >= 0 && cp <= Character.MAX_CODE_POINT) {
      out.appendCodePoint((int) cp);
    } else {
      out.append('\uFFFD');
    }
  }
}
