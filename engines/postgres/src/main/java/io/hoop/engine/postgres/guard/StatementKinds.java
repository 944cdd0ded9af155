package io.hoop.engine.postgres.guard;

import io.hoop.engine.postgres.sql.Token;
import io.hoop.engine.postgres.sql.TokenType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Names the kind of a statement the way {@code denyStatements} and {@code reviewStatements} rules
 * are written ({@code DROP TABLE}, {@code CREATE EXTENSION}, {@code SET ROLE}), and checks that a
 * configured rule is one the matcher can produce, so a rule that would never match (a typo, {@code
 * SET SESSION AUTHORIZATION} before it was normalised, a table name) is a config error.
 */
final class StatementKinds {
  /** Words that begin a statement kind worth classifying. */
  static final Set<String> STATEMENT_WORDS =
      Set.of(
          "abort",
          "alter",
          "analyze",
          "begin",
          "call",
          "checkpoint",
          "close",
          "cluster",
          "comment",
          "commit",
          "copy",
          "create",
          "deallocate",
          "declare",
          "delete",
          "discard",
          "do",
          "drop",
          "execute",
          "explain",
          "fetch",
          "grant",
          "import",
          "insert",
          "listen",
          "load",
          "lock",
          "merge",
          "move",
          "notify",
          "prepare",
          "reassign",
          "refresh",
          "reindex",
          "release",
          "reset",
          "revoke",
          "rollback",
          "savepoint",
          "security",
          "select",
          "set",
          "show",
          "start",
          "table",
          "truncate",
          "unlisten",
          "update",
          "vacuum");

  /** Modifiers skipped when naming a kind, so CREATE OR REPLACE TEMP VIEW is "create view". */
  static final Set<String> MODIFIERS =
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

  /** Statement words whose kind has more than one word: the object type (or what is set). */
  private static final Set<String> TYPED = Set.of("create", "drop", "alter", "comment");

  /** Object types after CREATE, DROP and ALTER (one word, or the first of two). */
  private static final Set<String> OBJECT_TYPES =
      Set.of(
          "access",
          "aggregate",
          "cast",
          "collation",
          "constraint",
          "conversion",
          "database",
          "default",
          "domain",
          "event",
          "extension",
          "foreign",
          "function",
          "group",
          "index",
          "language",
          "large",
          "materialized",
          "on",
          "operator",
          "owned",
          "policy",
          "procedure",
          "publication",
          "role",
          "routine",
          "rule",
          "schema",
          "sequence",
          "server",
          "statistics",
          "subscription",
          "system",
          "table",
          "tablespace",
          "text",
          "transform",
          "trigger",
          "type",
          "user",
          "view");

  /** Two-word object types: the second words allowed after the first. */
  private static final Map<String, Set<String>> SECOND_WORDS =
      Map.of(
          "access", Set.of("method"),
          "constraint", Set.of("trigger"),
          "default", Set.of("privileges", "conversion"),
          "event", Set.of("trigger"),
          "foreign", Set.of("table", "data"),
          "large", Set.of("object"),
          "materialized", Set.of("view"),
          "text", Set.of("search"),
          "user", Set.of("mapping"),
          "operator", Set.of("class", "family"));

  /** Kinds of two fixed words. */
  private static final Map<String, String> FIXED_SECOND =
      Map.of(
          "security", "label",
          "import", "foreign",
          "refresh", "materialized",
          "copy", "program");

  /** SET forms whose parameter is spelled as keywords, to the parameter's name. */
  private static final Map<String, String> SET_SPELLINGS =
      Map.of(
          "session authorization", "session_authorization",
          "time zone", "timezone",
          "names", "client_encoding",
          "schema", "search_path",
          "xml option", "xmloption");

  private StatementKinds() {}

  /**
   * The kind of the statement starting at {@code tokens[i]}: lower-case words, modifiers skipped,
   * at most three; {@code set <parameter>} and {@code reset <parameter>} name the run-time
   * parameter however it is spelled (quoted, {@code SET SESSION AUTHORIZATION}, {@code SET TIME
   * ZONE}); COPY is {@code copy} or {@code copy program}; TABLE is {@code select}.
   */
  static List<String> of(List<Token> tokens, int i) {
    Token first = tokens.get(i);
    if (first.isWord("set") || first.isWord("reset")) {
      return setKind(tokens, i);
    }
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
    if (words.isEmpty()) {
      return words;
    }
    String verb = words.get(0);
    if (verb.equals("table")) {
      return List.of("select");
    }
    if (verb.equals("copy")) {
      for (int j = i + 1; j < tokens.size(); j++) {
        if (tokens.get(j).isWord("program")) {
          return List.of("copy", "program");
        }
      }
      return List.of("copy");
    }
    if (FIXED_SECOND.containsKey(verb)) {
      return words.size() > 1 && words.get(1).equals(FIXED_SECOND.get(verb))
          ? List.of(verb, words.get(1))
          : List.of(verb);
    }
    if (!TYPED.contains(verb)) {
      return List.of(verb);
    }
    return words;
  }

  /**
   * {@code set|reset <parameter>} for SET, RESET and the SET clauses of functions and roles: LOCAL
   * or SESSION skipped, a quoted name taken as written (parameter names ignore case in PostgreSQL,
   * quoted or not), qualified names joined with dots.
   */
  static List<String> setKind(List<Token> tokens, int i) {
    String verb = tokens.get(i).value();
    int j = i + 1;
    if (j < tokens.size()
        && (tokens.get(j).isWord("local")
            || tokens.get(j).isWord("session")
                && !(j + 1 < tokens.size()
                    && (tokens.get(j + 1).isWord("authorization")
                        || tokens.get(j + 1).isWord("characteristics"))))) {
      j++;
    }
    StringBuilder name = new StringBuilder();
    while (j < tokens.size() && tokens.get(j).isName()) {
      name.append(tokens.get(j).value().toLowerCase(Locale.ROOT));
      j++;
      if (j + 1 < tokens.size() && tokens.get(j).isPunct(".") && tokens.get(j + 1).isName()) {
        name.append('.');
        j++;
      } else {
        break;
      }
    }
    if (name.isEmpty()) {
      return List.of(verb);
    }
    String parameter = name.toString();
    if (j < tokens.size() && tokens.get(j).type() == TokenType.WORD) {
      String two = parameter + " " + tokens.get(j).value();
      if (SET_SPELLINGS.containsKey(two)) {
        return List.of(verb, SET_SPELLINGS.get(two));
      }
    }
    return List.of(verb, SET_SPELLINGS.getOrDefault(parameter, parameter));
  }

  /**
   * A configured statement rule in the matcher's form: lower case, single spaces, and the SET forms
   * spelled with keywords ({@code SET SESSION AUTHORIZATION}) turned into the parameter they set
   * ({@code set session_authorization}).
   */
  static String normalise(String rule) {
    String r = rule.trim().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
    for (String verb : List.of("set ", "reset ")) {
      if (r.startsWith(verb)) {
        String parameter = r.substring(verb.length());
        return verb + SET_SPELLINGS.getOrDefault(parameter, parameter);
      }
    }
    return r;
  }

  /**
   * Why {@code rule} (as configured) can never match a statement, or null when it can. Messages say
   * what to write instead.
   */
  static String problem(String rule) {
    String r = normalise(rule);
    if (r.isEmpty()) {
      return "is empty; expected a statement kind such as DROP or SET ROLE";
    }
    String[] words = r.split(" ");
    String verb = words[0];
    if (!STATEMENT_WORDS.contains(verb)) {
      return "'"
          + rule
          + "' does not start with a statement the guardrails classify (e.g. DROP, CREATE"
          + " EXTENSION, SET ROLE, COPY PROGRAM)";
    }
    if (verb.equals("set") || verb.equals("reset")) {
      if (words.length > 2
          || words.length == 2 && (words[1].equals("local") || words[1].equals("session"))) {
        return "'"
            + rule
            + "' never matches: write "
            + verb.toUpperCase(Locale.ROOT)
            + " <parameter> (LOCAL and SESSION forms are covered)";
      }
      if (words.length == 2 && !words[1].matches("[a-z_][a-z0-9_$]*(\\.[a-z_][a-z0-9_$]*)?")) {
        return "'" + rule + "' never matches: '" + words[1] + "' is not a parameter name";
      }
      return null;
    }
    if (verb.equals("table")) {
      return "'" + rule + "' never matches: TABLE statements are classified as SELECT";
    }
    for (int k = 1; k < words.length; k++) {
      if (MODIFIERS.contains(words[k])) {
        return "'"
            + rule
            + "' never matches: '"
            + words[k].toUpperCase(Locale.ROOT)
            + "' is ignored when statements are classified; leave it out";
      }
    }
    if (FIXED_SECOND.containsKey(verb)) {
      if (words.length > 2 || words.length == 2 && !words[1].equals(FIXED_SECOND.get(verb))) {
        return "'"
            + rule
            + "' never matches: write "
            + verb.toUpperCase(Locale.ROOT)
            + " or "
            + (verb + " " + FIXED_SECOND.get(verb)).toUpperCase(Locale.ROOT);
      }
      return null;
    }
    if (!TYPED.contains(verb)) {
      return words.length == 1
          ? null
          : "'"
              + rule
              + "' never matches: "
              + verb.toUpperCase(Locale.ROOT)
              + " statements are classified by their first word only (use denyObjects for"
              + " tables)";
    }
    if (words.length == 1) {
      return null;
    }
    if (!OBJECT_TYPES.contains(words[1])) {
      return "'" + rule + "' never matches: '" + words[1] + "' is not an object type";
    }
    Set<String> second = SECOND_WORDS.get(words[1]);
    if (words.length == 3 && (second == null || !second.contains(words[2]))) {
      return "'"
          + rule
          + "' never matches: object names are not part of a statement kind (use denyObjects)";
    }
    return null;
  }
}
