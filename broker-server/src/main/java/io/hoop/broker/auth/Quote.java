package io.hoop.broker.auth;

/** Quotes values taken from tokens for messages: bounded, with control characters replaced. */
final class Quote {
  private static final int MAX = 80;

  private Quote() {}

  static String of(String s) {
    if (s == null) {
      return "(none)";
    }
    StringBuilder b = new StringBuilder("'");
    int n = 0;
    for (int i = 0; i < s.length() && n < MAX; n++) {
      int cp = s.codePointAt(i);
      b.appendCodePoint(Character.isISOControl(cp) ? '?' : cp);
      i += Character.charCount(cp);
    }
    if (s.codePointCount(0, s.length()) > MAX) {
      b.append("...");
    }
    return b.append('\'').toString();
  }
}
