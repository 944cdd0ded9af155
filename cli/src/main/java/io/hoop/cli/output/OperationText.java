package io.hoop.cli.output;

/**
 * An operation's text (a command line, a SQL statement) made safe for a terminal and still exact:
 * every character a terminal would act on or hide is written as an escape, and a backslash is
 * doubled, so the rendering reads back to exactly one text and never moves the cursor, changes
 * colours, sets the window title or reorders what follows.
 */
public final class OperationText {
  private OperationText() {}

  /**
   * {@code \n}, {@code \r}, {@code \t}, {@code \\}; other control characters (C0, DEL, C1 such as
   * CSI), format characters (bidirectional overrides, zero-width ones), line and paragraph
   * separators, private-use, unassigned and unpaired surrogate code points as a backslash, {@code
   * u} and the hex code point in braces (ESC is {@code u{1B}} after a backslash); everything else
   * as it is.
   */
  public static String escape(String text) {
    if (text == null) {
      return "-";
    }
    StringBuilder b = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); ) {
      int c = text.codePointAt(i);
      i += Character.charCount(c);
      switch (c) {
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          int type = Character.getType(c);
          if (Character.isISOControl(c)
              || type == Character.FORMAT
              || type == Character.LINE_SEPARATOR
              || type == Character.PARAGRAPH_SEPARATOR
              || type == Character.SURROGATE
              || type == Character.PRIVATE_USE
              || type == Character.UNASSIGNED) {
            b.append(String.format("\\u{%04X}", c));
          } else {
            b.appendCodePoint(c);
          }
        }
      }
    }
    return b.toString();
  }
}
