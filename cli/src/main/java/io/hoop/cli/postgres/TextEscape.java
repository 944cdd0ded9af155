package io.hoop.cli.postgres;

/** Text from the target made safe for a terminal: control characters print as {@code \xNN}. */
public final class TextEscape {
  private TextEscape() {}

  /** {@code text} with every control character but the newline escaped. */
  public static String forTerminal(String text) {
    return text == null ? "" : TableRenderer.escape(text);
  }
}
