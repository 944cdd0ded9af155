package io.hoop.cli.postgres;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Splits a SQL script into statements at the semicolons PostgreSQL's own lexer would end them at,
 * as psql does: not inside {@code '...'} (with {@code ''}), {@code E'...'} (with backslash
 * escapes), {@code "..."} identifiers, {@code $tag$...$tag$} bodies, {@code --} or nested {@code /*
 * *}{@code /} comments, nor inside the {@code BEGIN ATOMIC ... END} body of a {@code CREATE
 * FUNCTION/PROCEDURE}. The whole script is checked before anything runs: an unterminated quote or
 * comment, a NUL character or a psql meta-command ({@code \set}, {@code \i}, ...) is refused with
 * its line, so a broken file never runs half-way. Assumes {@code standard_conforming_strings = on},
 * PostgreSQL's default since 9.1.
 */
public final class SqlScript {
  /** One statement: its number in the script, the line it starts on, its text (no {@code ;}). */
  public record Statement(int index, int line, String sql) {}

  /** The script cannot be split. */
  public static final class ScriptException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    ScriptException(String message) {
      super(message);
    }
  }

  private final String text;
  private final List<Statement> statements = new ArrayList<>();
  private int at;
  private int line = 1;
  // The statement being read.
  private int start = -1;
  private int startLine;
  private final List<String> words = new ArrayList<>();
  private int atomicDepth;
  private int parenDepth;
  private int parenLine;

  private SqlScript(String text) {
    this.text = text;
  }

  /** The statements of {@code text}, empty ones (only blanks, comments, {@code ;}) left out. */
  public static List<Statement> split(String text) {
    Objects.requireNonNull(text, "text");
    int nul = text.indexOf('\0');
    if (nul >= 0) {
      throw new ScriptException(
          "line "
              + (1 + text.substring(0, nul).chars().filter(c -> c == '\n').count())
              + ": a NUL character, which PostgreSQL cannot receive");
    }
    SqlScript s = new SqlScript(text);
    s.run();
    return List.copyOf(s.statements);
  }

  private void run() {
    while (at < text.length()) {
      char c = text.charAt(at);
      char next = at + 1 < text.length() ? text.charAt(at + 1) : '\0';
      if (c == '\n') {
        line++;
        at++;
      } else if (Character.isWhitespace(c)) {
        at++;
      } else if (c == '-' && next == '-') {
        while (at < text.length() && text.charAt(at) != '\n') {
          at++;
        }
      } else if (c == '/' && next == '*') {
        blockComment();
      } else if (c == ';') {
        if (atomicDepth > 0 || parenDepth > 0) {
          at++;
        } else {
          end(at);
          at++;
        }
      } else if (c == '\\') {
        throw new ScriptException(
            "line "
                + line
                + ": a psql meta-command ("
                + metaCommand()
                + "); hoop exec sends SQL statements only");
      } else {
        content();
        if (c == '\'') {
          quoted('\'', false);
        } else if (c == '"') {
          quoted('"', false);
        } else if (c == '$' && dollarTag() != null) {
          dollarQuoted(dollarTag());
        } else if (c == '(') {
          if (parenDepth++ == 0) {
            parenLine = line;
          }
          at++;
        } else if (c == ')') {
          if (parenDepth > 0) {
            parenDepth--;
          }
          at++;
        } else if (identStart(c)) {
          identifier();
        } else if (isDigit(c)) {
          while (at < text.length()
              && (identCont(text.charAt(at)) && text.charAt(at) != '$' || text.charAt(at) == '.')) {
            at++;
          }
        } else {
          at++;
        }
      }
    }
    if (parenDepth > 0) {
      throw new ScriptException(
          "line " + parenLine + ": a ( that is never closed, so the statement never ends");
    }
    end(text.length());
  }

  /** Marks the start of the statement at the first character that is not blank or comment. */
  private void content() {
    if (start < 0) {
      start = at;
      startLine = line;
    }
  }

  private void end(int until) {
    if (start >= 0) {
      String sql = text.substring(start, until).strip();
      statements.add(new Statement(statements.size() + 1, startLine, sql));
    }
    start = -1;
    words.clear();
    atomicDepth = 0;
    parenDepth = 0;
  }

  private void identifier() {
    int from = at;
    while (at < text.length() && identCont(text.charAt(at))) {
      at++;
    }
    String word = text.substring(from, at);
    if (at < text.length() && text.charAt(at) == '\'') {
      // E'...' (a standalone E) takes backslash escapes; U&'', B'', X'', N'' quote as usual.
      quoted('\'', word.equalsIgnoreCase("e"));
      return;
    }
    noteWord(word.toLowerCase(Locale.ROOT));
  }

  /** Tracks BEGIN ATOMIC ... END (and CASE ... END inside it) the way psql's lexer does. */
  private void noteWord(String word) {
    if (words.size() < 4) {
      words.add(word);
    }
    if (!routine()) {
      return;
    }
    if (word.equals("begin") || word.equals("case")) {
      atomicDepth++;
    } else if (word.equals("end") && atomicDepth > 0) {
      atomicDepth--;
    }
  }

  private boolean routine() {
    if (words.size() < 2 || !words.get(0).equals("create")) {
      return false;
    }
    if (isRoutine(words.get(1))) {
      return true;
    }
    return words.size() >= 4
        && words.get(1).equals("or")
        && words.get(2).equals("replace")
        && isRoutine(words.get(3));
  }

  private static boolean isRoutine(String word) {
    return word.equals("function") || word.equals("procedure");
  }

  /** From the opening quote at {@code at} to after the closing one; a doubled quote is literal. */
  private void quoted(char quote, boolean backslashEscapes) {
    int openLine = line;
    at++;
    while (at < text.length()) {
      char c = text.charAt(at);
      if (c == '\n') {
        line++;
      }
      if (backslashEscapes && c == '\\' && at + 1 < text.length()) {
        if (text.charAt(at + 1) == '\n') {
          line++;
        }
        at += 2;
        continue;
      }
      if (c == quote) {
        if (at + 1 < text.length() && text.charAt(at + 1) == quote) {
          at += 2;
          continue;
        }
        at++;
        return;
      }
      at++;
    }
    throw new ScriptException(
        "line "
            + openLine
            + ": "
            + (quote == '"' ? "a quoted identifier" : "a string")
            + " that is never closed (missing "
            + quote
            + ")");
  }

  /** The dollar-quote tag ({@code $$} or {@code $name$}) at {@code at}, or null for {@code $1}. */
  private String dollarTag() {
    int i = at + 1;
    if (i < text.length() && text.charAt(i) == '$') {
      return "$$";
    }
    if (i >= text.length() || !identStart(text.charAt(i))) {
      return null;
    }
    while (i < text.length() && identCont(text.charAt(i)) && text.charAt(i) != '$') {
      i++;
    }
    if (i < text.length() && text.charAt(i) == '$') {
      return text.substring(at, i + 1);
    }
    return null;
  }

  private void dollarQuoted(String tag) {
    int openLine = line;
    int close = text.indexOf(tag, at + tag.length());
    if (close < 0) {
      throw new ScriptException(
          "line "
              + openLine
              + ": a "
              + tag
              + " quoted body that is never closed (missing "
              + tag
              + ")");
    }
    int stop = close + tag.length();
    for (int i = at; i < stop; i++) {
      char c = text.charAt(i);
      if (c == '\n') {
        line++;
      }
    }
    at = stop;
  }

  private void blockComment() {
    int openLine = line;
    int depth = 0;
    while (at < text.length()) {
      char c = text.charAt(at);
      char next = at + 1 < text.length() ? text.charAt(at + 1) : '\0';
      if (c == '/' && next == '*') {
        depth++;
        at += 2;
      } else if (c == '*' && next == '/') {
        depth--;
        at += 2;
        if (depth == 0) {
          return;
        }
      } else {
        if (c == '\n') {
          line++;
        }
        at++;
      }
    }
    throw new ScriptException("line " + openLine + ": a /* comment that is never closed");
  }

  private String metaCommand() {
    int end = at + 1;
    while (end < text.length() && end - at < 20 && Character.isLetterOrDigit(text.charAt(end))) {
      end++;
    }
    return text.substring(at, end);
  }

  private static boolean identStart(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
  }

  private static boolean identCont(char c) {
    return identStart(c) || isDigit(c) || c == '$';
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }
}
