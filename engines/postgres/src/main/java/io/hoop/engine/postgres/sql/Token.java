package io.hoop.engine.postgres.sql;

import static java.util.Objects.requireNonNull;

import java.util.Locale;

/**
 * One SQL token: {@code value} is normalised (unquoted words lower-cased, quoted content
 * unescaped); {@code start} and {@code end} are offsets into the source text.
 */
public record Token(TokenType type, String value, int start, int end) {
  public Token {
    requireNonNull(type, "type");
    requireNonNull(value, "value");
  }

  /** Whether this is the unquoted word {@code word} (compared case-insensitively). */
  public boolean isWord(String word) {
    return type == TokenType.WORD && value.equals(word.toLowerCase(Locale.ROOT));
  }

  /** Whether this is punctuation {@code p}. */
  public boolean isPunct(String p) {
    return type == TokenType.PUNCT && value.equals(p);
  }

  /** Whether this names something: an unquoted word or a quoted identifier. */
  public boolean isName() {
    return type == TokenType.WORD || type == TokenType.QUOTED_IDENTIFIER;
  }
}
