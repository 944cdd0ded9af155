package io.hoop.engine.postgres.sql;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Splits PostgreSQL SQL text into statements of tokens, following the server's lexer for the
 * constructs that decide where code ends and data begins: {@code --} and nested {@code /* *}{@code
 * /} comments, {@code '...'} strings (with {@code ''}, and backslash escapes in {@code E'...'} or
 * when standard_conforming_strings is off), {@code "..."} identifiers, {@code U&} forms, and dollar
 * quoting. It never throws; text it cannot finish is reported in {@link TokenizedSql#problem()}.
 */
public final class SqlTokenizer {
  private final String sql;
  private final boolean standardConformingStrings;
  private final List<Statement> statements = new ArrayList<>();
  private List<Token> current = new ArrayList<>();
  private int pos;

  private SqlTokenizer(String sql, boolean standardConformingStrings) {
    this.sql = sql;
    this.standardConformingStrings = standardConformingStrings;
  }

  /** Tokenizes with standard_conforming_strings on, PostgreSQL's default since 9.1. */
  public static TokenizedSql tokenize(String sql) {
    return tokenize(sql, true);
  }

  /**
   * Tokenizes {@code sql}; with {@code standardConformingStrings} off, backslashes escape in plain
   * {@code '...'} strings too, as the server then reads them.
   */
  public static TokenizedSql tokenize(String sql, boolean standardConformingStrings) {
    requireNonNull(sql, "sql");
    return new SqlTokenizer(sql, standardConformingStrings).run();
  }

  private TokenizedSql run() {
    String problem = null;
    while (pos < sql.length() && problem == null) {
      problem = next();
    }
    endStatement();
    return new TokenizedSql(statements, problem);
  }

  /** Consumes one token, comment or blank; returns a problem description or null. */
  private String next() {
    int start = pos;
    char c = sql.charAt(pos);
    if (isSpace(c)) {
      pos++;
      return null;
    }
    if (c == '-' && peek(1) == '-') {
      while (pos < sql.length() && sql.charAt(pos) != '\n' && sql.charAt(pos) != '\r') {
        pos++;
      }
      return null;
    }
    if (c == '/' && peek(1) == '*') {
      return blockComment(start);
    }
    if ((c == 'e' || c == 'E') && peek(1) == '\'') {
      pos++;
      return string(start, true, false);
    }
    if ((c == 'u' || c == 'U') && peek(1) == '&' && (peek(2) == '\'' || peek(2) == '"')) {
      pos += 2;
      return peek(0) == '\'' ? string(start, false, true) : quotedIdentifier(start, true);
    }
    if ((c == 'b' || c == 'B' || c == 'x' || c == 'X' || c == 'n' || c == 'N') && peek(1) == '\'') {
      pos++;
      return string(start, !standardConformingStrings, false);
    }
    if (isIdentStart(c)) {
      while (pos < sql.length() && isIdentPart(sql.charAt(pos))) {
        pos++;
      }
      add(TokenType.WORD, sql.substring(start, pos).toLowerCase(Locale.ROOT), start);
      return null;
    }
    if (c == '\'') {
      return string(start, !standardConformingStrings, false);
    }
    if (c == '"') {
      return quotedIdentifier(start, false);
    }
    if (c == '$') {
      return dollar(start);
    }
    if (isDigit(c) || (c == '.' && isDigit(peek(1)))) {
      number();
      add(TokenType.NUMBER, sql.substring(start, pos), start);
      return null;
    }
    if (c == ':' && peek(1) == ':') {
      pos += 2;
      add(TokenType.PUNCT, "::", start);
      return null;
    }
    if ("()[],;.:".indexOf(c) >= 0) {
      pos++;
      if (c == ';') {
        endStatement();
      } else {
        add(TokenType.PUNCT, String.valueOf(c), start);
      }
      return null;
    }
    if (isOperatorChar(c)) {
      pos++;
      while (pos < sql.length()
          && isOperatorChar(sql.charAt(pos))
          && !(sql.startsWith("--", pos) || sql.startsWith("/*", pos))) {
        pos++;
      }
      add(TokenType.OPERATOR, sql.substring(start, pos), start);
      return null;
    }
    // Anything else (control characters, stray backslashes, braces) is a one-character token, so
    // hostile input still advances and the server, not us, decides it is invalid.
    pos++;
    add(TokenType.OPERATOR, String.valueOf(c), start);
    return null;
  }

  private String blockComment(int start) {
    int depth = 0;
    while (pos < sql.length()) {
      if (sql.startsWith("/*", pos)) {
        depth++;
        pos += 2;
      } else if (sql.startsWith("*/", pos)) {
        depth--;
        pos += 2;
        if (depth == 0) {
          return null;
        }
      } else {
        pos++;
      }
    }
    return "unterminated block comment starting at offset " + start;
  }

  private String string(int start, boolean backslashEscapes, boolean unicodeEscapes) {
    pos++; // opening quote
    StringBuilder value = new StringBuilder();
    while (pos < sql.length()) {
      char c = sql.charAt(pos);
      if (c == '\'') {
        if (peek(1) == '\'') {
          value.append('\'');
          pos += 2;
          continue;
        }
        pos++;
        String text = value.toString();
        add(TokenType.STRING, unicodeEscapes ? Unescape.unicode(text, uescape()) : text, start);
        return null;
      }
      if (c == '\\' && backslashEscapes) {
        pos = Unescape.backslash(sql, pos, value);
        continue;
      }
      value.append(c);
      pos++;
    }
    return "unterminated quoted string starting at offset " + start;
  }

  private String quotedIdentifier(int start, boolean unicodeEscapes) {
    pos++; // opening quote
    StringBuilder value = new StringBuilder();
    while (pos < sql.length()) {
      char c = sql.charAt(pos);
      if (c == '"') {
        if (peek(1) == '"') {
          value.append('"');
          pos += 2;
          continue;
        }
        pos++;
        String text = value.toString();
        char escape = unicodeEscapes ? uescape() : '\\';
        add(
            TokenType.QUOTED_IDENTIFIER,
            unicodeEscapes ? Unescape.unicode(text, escape) : text,
            start);
        return null;
      }
      value.append(c);
      pos++;
    }
    return "unterminated quoted identifier starting at offset " + start;
  }

  /**
   * The escape character of a U& string or identifier: the one of a following {@code UESCAPE 'c'}
   * clause (consumed, blanks and comments before it skipped), else a backslash.
   */
  private char uescape() {
    int i = pos;
    while (true) {
      while (i < sql.length() && isSpace(sql.charAt(i))) {
        i++;
      }
      if (sql.startsWith("--", i)) {
        while (i < sql.length() && sql.charAt(i) != '\n' && sql.charAt(i) != '\r') {
          i++;
        }
      } else if (sql.startsWith("/*", i)) {
        int end = sql.indexOf("*/", i + 2);
        if (end < 0) {
          return '\\';
        }
        i = end + 2;
      } else {
        break;
      }
    }
    if (!sql.regionMatches(true, i, "uescape", 0, 7)
        || i + 7 < sql.length() && isIdentPart(sql.charAt(i + 7))) {
      return '\\';
    }
    int j = i + 7;
    while (j < sql.length() && isSpace(sql.charAt(j))) {
      j++;
    }
    if (j + 2 < sql.length() && sql.charAt(j) == '\'' && sql.charAt(j + 2) == '\'') {
      pos = j + 3;
      return sql.charAt(j + 1);
    }
    return '\\';
  }

  private String dollar(int start) {
    if (isDigit(peek(1))) {
      pos++;
      while (pos < sql.length() && isDigit(sql.charAt(pos))) {
        pos++;
      }
      add(TokenType.PARAMETER, sql.substring(start, pos), start);
      return null;
    }
    int end = pos + 1;
    if (end < sql.length() && isIdentStart(sql.charAt(end))) {
      while (end < sql.length() && isIdentPart(sql.charAt(end)) && sql.charAt(end) != '$') {
        end++;
      }
    }
    if (end >= sql.length() || sql.charAt(end) != '$') {
      pos++;
      add(TokenType.OPERATOR, "$", start);
      return null;
    }
    String tag = sql.substring(start, end + 1);
    int bodyStart = end + 1;
    int close = sql.indexOf(tag, bodyStart);
    if (close < 0) {
      pos = sql.length();
      return "unterminated dollar-quoted string " + tag + " starting at offset " + start;
    }
    pos = close + tag.length();
    add(TokenType.DOLLAR_STRING, sql.substring(bodyStart, close), start);
    return null;
  }

  private void number() {
    while (pos < sql.length()) {
      char c = sql.charAt(pos);
      if (isDigit(c) || c == '_' || c == '.' || Character.isLetter(c) && c < 0x80) {
        boolean exponent = c == 'e' || c == 'E';
        pos++;
        if (exponent && (peek(0) == '+' || peek(0) == '-') && isDigit(peek(1))) {
          pos++;
        }
      } else {
        return;
      }
    }
  }

  private void add(TokenType type, String value, int start) {
    current.add(new Token(type, value, start, pos));
  }

  private void endStatement() {
    if (!current.isEmpty()) {
      statements.add(new Statement(current));
      current = new ArrayList<>();
    }
  }

  private char peek(int ahead) {
    int i = pos + ahead;
    return i < sql.length() ? sql.charAt(i) : '\0';
  }

  private static boolean isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == 0x0b;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isIdentStart(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
  }

  private static boolean isIdentPart(char c) {
    return isIdentStart(c) || isDigit(c) || c == '$';
  }

  private static boolean isOperatorChar(char c) {
    return "+-*/<>=~!@#%^&|`?".indexOf(c) >= 0;
  }
}
