package io.hoop.engine.postgres.guard;

import static java.util.Objects.requireNonNull;

import io.hoop.engine.postgres.internal.Glob;
import io.hoop.engine.postgres.sql.SqlTokenizer;
import io.hoop.engine.postgres.sql.Statement;
import io.hoop.engine.postgres.sql.Token;
import io.hoop.engine.postgres.sql.TokenType;
import io.hoop.engine.postgres.sql.TokenizedSql;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Decides whether SQL text (a simple Query, possibly several statements, or one Parse) may run
 * under {@link Rules}. Pure: no I/O, no state. It fails closed: text that cannot be tokenized is
 * blocked whenever any rule is set.
 */
public final class GuardrailPolicy {
  /** Bodies of DO blocks and functions can nest strings that hold SQL; this bounds the descent. */
  private static final int MAX_DEPTH = 4;

  /** Words that begin a statement kind worth classifying. */
  private static final Set<String> STATEMENT_WORDS =
      Set.of(
          "alter",
          "analyze",
          "call",
          "cluster",
          "comment",
          "copy",
          "create",
          "delete",
          "do",
          "drop",
          "execute",
          "grant",
          "import",
          "insert",
          "load",
          "lock",
          "merge",
          "reassign",
          "refresh",
          "reindex",
          "revoke",
          "security",
          "select",
          "set",
          "truncate",
          "update",
          "vacuum");

  /** Words after which a statement can begin inside another (CTEs, EXPLAIN, PREPARE, bodies). */
  private static final Set<String> NESTING_WORDS =
      Set.of(
          "as", "analyze", "verbose", "explain", "instead", "also", "do", "begin", "then", "else",
          "loop", "atomic");

  /** Modifiers skipped when naming a kind, so CREATE OR REPLACE TEMP VIEW is "create view". */
  private static final Set<String> MODIFIERS =
      Set.of(
          "or",
          "replace",
          "temp",
          "temporary",
          "unlogged",
          "unique",
          "global",
          "local",
          "trusted",
          "procedural",
          "recursive",
          "concurrently",
          "session");

  /** Words followed by a table reference, for object patterns. */
  private static final Set<String> TABLE_WORDS =
      Set.of("from", "join", "update", "into", "table", "truncate", "copy");

  private GuardrailPolicy() {}

  /** Decides {@code sql} under {@code rules}. */
  public static Decision decide(String sql, Rules rules) {
    requireNonNull(sql, "sql");
    requireNonNull(rules, "rules");
    if (rules.isEmpty()) {
      return Decision.allow();
    }
    Decision decision = decideText(sql, rules, 0);
    if (!decision.allowed() || sql.indexOf('\\') < 0) {
      return decision;
    }
    // With standard_conforming_strings off the server reads backslashes in '...' as escapes and
    // may see statements where we saw string content: check that reading too. If that reading
    // does not tokenize, the server would reject the text in that mode, so it is no risk.
    TokenizedSql legacy = SqlTokenizer.tokenize(sql, false);
    return legacy.complete() ? checkStatements(legacy, rules, 0) : Decision.allow();
  }

  private static Decision decideText(String sql, Rules rules, int depth) {
    if (depth > MAX_DEPTH) {
      return Decision.deny(
          "unparseable",
          "statement blocked: SQL nested more than " + MAX_DEPTH + " levels deep in strings");
    }
    TokenizedSql tokenized = SqlTokenizer.tokenize(sql);
    // Strings inside a body are usually data ('don''t'), not SQL: only the body itself, or the
    // statement text, must tokenize to its end. Whatever did tokenize is still checked.
    if (!tokenized.complete() && depth <= 1) {
      return Decision.deny(
          "unparseable",
          "statement blocked: it could not be parsed ("
              + tokenized.problem()
              + ") and guardrails are active");
    }
    return checkStatements(tokenized, rules, depth);
  }

  private static Decision checkStatements(TokenizedSql tokenized, Rules rules, int depth) {
    for (Statement statement : tokenized.statements()) {
      Decision d = checkStatement(statement.tokens(), rules, depth);
      if (!d.allowed()) {
        return d;
      }
    }
    return Decision.allow();
  }

  private static Decision checkStatement(List<Token> tokens, Rules rules, int depth) {
    List<String> leading = kindWords(tokens, 0);
    boolean merge = !leading.isEmpty() && leading.get(0).equals("merge");
    boolean conflict = false;
    for (int i = 0; i < tokens.size(); i++) {
      Token t = tokens.get(i);
      conflict |= t.isWord("conflict");
      if (t.type() == TokenType.WORD
          && STATEMENT_WORDS.contains(t.value())
          && startsStatement(tokens, i, conflict)) {
        Decision d = checkKind(tokens, i, rules, merge && i > 0);
        if (!d.allowed()) {
          return d;
        }
      }
      if (t.isName() && i + 1 < tokens.size() && tokens.get(i + 1).isPunct("(")) {
        for (String f : rules.deniedFunctions()) {
          if (Glob.matches(f, t.value())) {
            return Decision.deny(
                "function:" + f,
                "statement blocked by guardrail function:" + f + ": calls " + t.value() + "()");
          }
        }
      }
      if (t.type() == TokenType.WORD && TABLE_WORDS.contains(t.value())) {
        Decision d = checkObjects(tokens, i + 1, rules);
        if (!d.allowed()) {
          return d;
        }
      }
    }
    if (depth > 0 || hasBody(leading)) {
      // Function and DO bodies are SQL (or PL/pgSQL running SQL) inside string constants.
      for (Token t : tokens) {
        if (t.type() == TokenType.STRING || t.type() == TokenType.DOLLAR_STRING) {
          Decision d = decideText(t.value(), rules, depth + 1);
          if (!d.allowed()) {
            return d;
          }
        }
      }
    }
    return Decision.allow();
  }

  private static boolean hasBody(List<String> kind) {
    if (kind.isEmpty()) {
      return false;
    }
    return kind.get(0).equals("do")
        || kind.get(0).equals("create")
            && kind.size() > 1
            && (kind.get(1).equals("function") || kind.get(1).equals("procedure"));
  }

  private static boolean startsStatement(List<Token> tokens, int i, boolean afterConflict) {
    if (i == 0) {
      return true;
    }
    Token prev = tokens.get(i - 1);
    if (prev.isPunct("(") || prev.isPunct(")")) {
      return true;
    }
    if (prev.type() != TokenType.WORD || !NESTING_WORDS.contains(prev.value())) {
      return false;
    }
    // INSERT ... ON CONFLICT DO UPDATE is part of the INSERT, not a statement of its own.
    return !(afterConflict && prev.value().equals("do"));
  }

  private static Decision checkKind(List<Token> tokens, int i, Rules rules, boolean inMerge) {
    List<String> kind = kindWords(tokens, i);
    // Rules are normalised to lower-case words joined by one space: a prefix of whole words of
    // the kind matches, without splitting every rule for every statement.
    String joined = String.join(" ", kind);
    for (String denied : rules.deniedStatements()) {
      if (joined.startsWith(denied)
          && (joined.length() == denied.length() || joined.charAt(denied.length()) == ' ')) {
        String name = denied.toUpperCase(Locale.ROOT);
        return Decision.deny(
            "statement:" + name,
            "statement blocked by guardrail statement:"
                + name
                + ": "
                + name
                + " statements are not allowed on this target");
      }
    }
    String first = kind.get(0);
    if (rules.requireWhere()
        && !inMerge
        && (first.equals("delete") || first.equals("update"))
        && !hasWhere(tokens, i)) {
      String name = first.toUpperCase(Locale.ROOT);
      return Decision.deny(
          "where:" + name,
          "statement blocked by guardrail where:"
              + name
              + ": "
              + name
              + " without a WHERE clause would touch every row");
    }
    return Decision.allow();
  }

  /** The kind's words from index {@code i}: up to three, modifiers skipped, PROGRAM for COPY. */
  private static List<String> kindWords(List<Token> tokens, int i) {
    List<String> words = new ArrayList<>();
    for (int j = i; j < tokens.size() && words.size() < 3; j++) {
      Token t = tokens.get(j);
      if (t.type() != TokenType.WORD) {
        break;
      }
      if (j > i && MODIFIERS.contains(t.value())) {
        continue;
      }
      words.add(t.value());
    }
    if (!words.isEmpty() && words.get(0).equals("copy")) {
      words.subList(1, words.size()).clear();
      for (int j = i + 1; j < tokens.size(); j++) {
        if (tokens.get(j).isWord("program")) {
          words.add("program");
          break;
        }
      }
    }
    return words;
  }

  /** Whether WHERE follows at the same parenthesis depth before the (sub)statement ends. */
  private static boolean hasWhere(List<Token> tokens, int i) {
    int depth = 0;
    for (int j = i + 1; j < tokens.size(); j++) {
      Token t = tokens.get(j);
      if (t.isPunct("(")) {
        depth++;
      } else if (t.isPunct(")")) {
        if (--depth < 0) {
          return false;
        }
      } else if (depth == 0 && t.isWord("where")) {
        return true;
      }
    }
    return false;
  }

  /** Checks the table reference at {@code i} and, in a FROM list, those after commas. */
  private static Decision checkObjects(List<Token> tokens, int i, Rules rules) {
    if (rules.deniedObjects().isEmpty()) {
      return Decision.allow();
    }
    int j = i;
    while (j < tokens.size()) {
      while (j < tokens.size()
          && (tokens.get(j).isWord("only")
              || tokens.get(j).isWord("table")
              || tokens.get(j).isWord("lateral"))) {
        j++;
      }
      List<String> parts = new ArrayList<>();
      while (j < tokens.size() && tokens.get(j).isName()) {
        parts.add(tokens.get(j).value());
        j++;
        if (j < tokens.size() && tokens.get(j).isPunct(".")) {
          j++;
        } else {
          break;
        }
      }
      if (!parts.isEmpty()) {
        Decision d = checkObject(parts, rules);
        if (!d.allowed()) {
          return d;
        }
      }
      // FROM a AS x, b: skip an optional alias and continue after a comma.
      if (j < tokens.size() && tokens.get(j).isWord("as")) {
        j++;
      }
      if (j < tokens.size() && tokens.get(j).isName() && !tokens.get(j).isWord("where")) {
        j++;
      }
      if (j < tokens.size() && tokens.get(j).isPunct(",") && !parts.isEmpty()) {
        j++;
      } else {
        break;
      }
    }
    return Decision.allow();
  }

  private static Decision checkObject(List<String> parts, Rules rules) {
    String table = parts.get(parts.size() - 1);
    // Unqualified names are taken to be in public, the default search_path; rules that must also
    // hold after a search_path change should deny the "SET search_path" statement kind.
    String qualified = (parts.size() > 1 ? parts.get(parts.size() - 2) : "public") + "." + table;
    for (String pattern : rules.deniedObjects()) {
      boolean match =
          pattern.indexOf('.') < 0
              ? Glob.matches(pattern, table)
              : Glob.matches(pattern, qualified);
      if (match) {
        return Decision.deny(
            "object:" + pattern,
            "statement blocked by guardrail object:" + pattern + ": it uses " + qualified);
      }
    }
    return Decision.allow();
  }
}
