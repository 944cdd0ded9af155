package io.hoop.completion;

import java.util.regex.Pattern;

/**
 * The words a completion script may offer. Scripts pass candidates through shells that expand what
 * they read (bash's {@code compgen -W}, zsh's {@code (Q)} unquoting), so a candidate from a broker
 * is offered only when it is made of characters that no shell treats specially: anything else
 * (spaces, quotes, {@code $}, backquotes, newlines, globs) is dropped, never escaped.
 */
public final class Candidates {
  /** Letters, digits, '.', '_', '-', not starting with '-' or '.': broker names and ids. */
  public static final String SAFE = "[A-Za-z0-9_][A-Za-z0-9._-]{0,127}";

  private static final Pattern SAFE_WORD = Pattern.compile(SAFE);
  private static final Pattern MODEL_WORD =
      Pattern.compile("-{0,2}[A-Za-z0-9_][A-Za-z0-9._:+-]{0,127}");

  private Candidates() {}

  /** Whether {@code word} may be offered as a live candidate. */
  public static boolean isSafe(String word) {
    return word != null && SAFE_WORD.matcher(word).matches();
  }

  /** Whether a word of the command model (a name, an option, an enum value) may be offered. */
  static boolean isModelWord(String word) {
    return word != null && MODEL_WORD.matcher(word).matches();
  }
}
