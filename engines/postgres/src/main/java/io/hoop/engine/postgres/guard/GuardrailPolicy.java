package io.hoop.engine.postgres.guard;

import static java.util.Objects.requireNonNull;

import io.hoop.engine.postgres.internal.Glob;
import io.hoop.engine.postgres.sql.SqlTokenizer;
import io.hoop.engine.postgres.sql.Statement;
import io.hoop.engine.postgres.sql.Token;
import io.hoop.engine.postgres.sql.TokenType;
import io.hoop.engine.postgres.sql.TokenizedSql;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Decides whether SQL text (a simple Query, possibly several statements, or one Parse) may run
 * under {@link Rules}, must be held for a reviewer, or is denied. Pure: no I/O, no state. It fails
 * closed: text that cannot be tokenized is blocked whenever any rule is set, and so is SQL built at
 * run time where a rule would need its text (EXECUTE of a non-constant string in a body, {@code
 * set_config} with a non-constant name, {@code query_to_xml} of a non-constant query, bodies in
 * languages other than SQL and PL/pgSQL). A deny rule anywhere in the text wins over a review rule.
 */
public final class GuardrailPolicy {
  /** Bodies of DO blocks and functions can nest strings that hold SQL; this bounds the descent. */
  private static final int MAX_DEPTH = 4;

  /** Words after which a statement can begin inside another (CTEs, EXPLAIN, PREPARE, bodies). */
  private static final Set<String> NESTING_WORDS =
      Set.of(
          "as", "analyze", "verbose", "explain", "instead", "also", "do", "begin", "then", "else",
          "loop", "atomic");

  /** Words followed by a table reference, for object patterns. */
  private static final Set<String> TABLE_WORDS =
      Set.of("from", "join", "update", "into", "table", "truncate", "copy");

  /** Functions that run SQL text given as an argument. */
  private static final Set<String> SQL_TEXT_FUNCTIONS =
      Set.of(
          "query_to_xml",
          "query_to_xmlschema",
          "query_to_xml_and_xmlschema",
          "ts_stat",
          "ts_rewrite");

  /** Languages whose bodies are SQL or PL/pgSQL, which the guardrails read. */
  private static final Set<String> READABLE_LANGUAGES = Set.of("sql", "plpgsql");

  private GuardrailPolicy() {}

  /** The first review match of a text, kept while the rest is checked for deny rules. */
  private static final class Scan {
    private final Rules rules;
    private Decision review;

    Scan(Rules rules) {
      this.rules = rules;
    }

    /** Returns a denial to stop at; remembers a review and returns allow to go on. */
    Decision note(Decision d) {
      if (d.review()) {
        if (review == null) {
          review = d;
        }
        return Decision.allow();
      }
      return d;
    }
  }

  /** Decides {@code sql} under {@code rules}. */
  public static Decision decide(String sql, Rules rules) {
    requireNonNull(sql, "sql");
    requireNonNull(rules, "rules");
    if (rules.isEmpty()) {
      return Decision.allow();
    }
    Scan scan = new Scan(rules);
    Decision decision = decideText(sql, scan, 0, false);
    if (decision.allowed() && sql.indexOf('\\') >= 0) {
      // With standard_conforming_strings off the server reads backslashes in '...' as escapes and
      // may see statements where we saw string content: check that reading too. If that reading
      // does not tokenize, the server would reject the text in that mode, so it is no risk.
      TokenizedSql legacy = SqlTokenizer.tokenize(sql, false);
      if (legacy.complete()) {
        decision = checkStatements(legacy, scan, 0, false);
      }
    }
    if (!decision.allowed()) {
      return decision;
    }
    return scan.review == null ? Decision.allow() : scan.review;
  }

  /**
   * Decides the run-time parameters of a client's StartupMessage: each one (and each {@code -c
   * name=value} or {@code --name=value} of {@code options}) is a SET of that parameter, so a rule
   * denying {@code SET ROLE} also refuses {@code PGOPTIONS='-c role=admin'}. A review rule denies
   * here: a login cannot wait for a reviewer.
   */
  public static Decision decideStartup(
      Collection<String> parameterNames, String options, Rules rules) {
    requireNonNull(parameterNames, "parameterNames");
    requireNonNull(rules, "rules");
    if (rules.isEmpty()) {
      return Decision.allow();
    }
    List<String> names = new ArrayList<>(parameterNames);
    if (options != null) {
      names.addAll(StartupOptions.parameters(options));
    }
    for (String name : names) {
      String parameter = name.toLowerCase(Locale.ROOT);
      if (Set.of("user", "database", "replication", "options").contains(parameter)) {
        continue;
      }
      Decision d = statementRule(List.of("set", parameter), rules);
      if (!d.allowed()) {
        String rule = d.ruleName();
        return Decision.deny(
            rule,
            "connection refused by guardrail "
                + rule
                + ": the startup parameter "
                + parameter
                + " sets what the rule covers");
      }
    }
    return Decision.allow();
  }

  /**
   * @param body whether {@code sql} is the body of a DO block or function (PL/pgSQL or SQL), where
   *     EXECUTE runs a string; else it is SQL, where EXECUTE runs a prepared statement
   */
  private static Decision decideText(String sql, Scan scan, int depth, boolean body) {
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
    return checkStatements(tokenized, scan, depth, body);
  }

  private static Decision checkStatements(
      TokenizedSql tokenized, Scan scan, int depth, boolean body) {
    for (Statement statement : tokenized.statements()) {
      Decision d = checkStatement(statement.tokens(), scan, depth, body);
      if (!d.allowed()) {
        return d;
      }
    }
    return Decision.allow();
  }

  private static Decision checkStatement(List<Token> tokens, Scan scan, int depth, boolean inBody) {
    if (tokens.isEmpty()) {
      return Decision.allow();
    }
    Rules rules = scan.rules;
    List<String> leading = StatementKinds.of(tokens, 0);
    boolean merge = !leading.isEmpty() && leading.get(0).equals("merge");
    boolean setClauses = hasSetClauses(leading);
    boolean conflict = false;
    for (int i = 0; i < tokens.size(); i++) {
      Token t = tokens.get(i);
      conflict |= t.isWord("conflict");
      if (t.type() == TokenType.WORD
          && StatementKinds.STATEMENT_WORDS.contains(t.value())
          && startsStatement(tokens, i, conflict)) {
        Decision d = scan.note(checkKind(tokens, i, rules, merge && i > 0));
        if (!d.allowed()) {
          return d;
        }
      } else if (setClauses
          && t.isWord("set")
          && !(i + 1 < tokens.size() && tokens.get(i + 1).isWord("schema"))) {
        // CREATE FUNCTION ... SET role = x, ALTER ROLE ... SET role TO x: a SET that runs later.
        Decision d = scan.note(statementRule(StatementKinds.setKind(tokens, i), rules));
        if (!d.allowed()) {
          return d;
        }
      }
      if (inBody && t.isWord("execute") && startsExecute(tokens, i)) {
        Decision d = dynamicExecute(tokens, i, scan, depth);
        if (!d.allowed()) {
          return d;
        }
      }
      if (t.isName() && i + 1 < tokens.size() && tokens.get(i + 1).isPunct("(")) {
        Decision d = checkCall(tokens, i, scan, depth);
        if (!d.allowed()) {
          return d;
        }
      }
      if (t.type() == TokenType.WORD && TABLE_WORDS.contains(t.value())) {
        Decision d = checkObjects(tokens, i + 1, scan);
        if (!d.allowed()) {
          return d;
        }
      }
    }
    boolean body = hasBody(leading);
    if (body) {
      Decision d = checkLanguage(tokens);
      if (!d.allowed()) {
        return d;
      }
    }
    if (depth > 0 || body) {
      // Function and DO bodies are SQL (or PL/pgSQL running SQL) inside string constants.
      for (Token t : tokens) {
        if (t.type() == TokenType.STRING || t.type() == TokenType.DOLLAR_STRING) {
          Decision d = decideText(t.value(), scan, depth + 1, body);
          if (!d.allowed()) {
            return d;
          }
        }
      }
    }
    return Decision.allow();
  }

  /** Where PL/pgSQL's EXECUTE can stand: a statement's start, RETURN QUERY, FOR/OPEN ... FOR. */
  private static boolean startsExecute(List<Token> tokens, int i) {
    if (i == 0) {
      return true;
    }
    Token prev = tokens.get(i - 1);
    return prev.type() == TokenType.WORD
        && Set.of("query", "in", "for", "then", "else", "loop", "begin").contains(prev.value());
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

  /** Statements with SET clauses that take effect later: functions and roles. */
  private static boolean hasSetClauses(List<String> kind) {
    if (kind.size() < 2) {
      return false;
    }
    String verb = kind.get(0);
    String type = kind.get(1);
    return verb.equals("create") && (type.equals("function") || type.equals("procedure"))
        || verb.equals("alter")
            && Set.of("function", "procedure", "routine", "role", "user", "database")
                .contains(type);
  }

  /** A body in a language other than SQL or PL/pgSQL can build and run SQL we cannot read. */
  private static Decision checkLanguage(List<Token> tokens) {
    for (int i = 0; i + 1 < tokens.size(); i++) {
      if (tokens.get(i).isWord("language")) {
        Token language = tokens.get(i + 1);
        String name = language.value().toLowerCase(Locale.ROOT);
        if ((language.isName() || language.type() == TokenType.STRING)
            && !READABLE_LANGUAGES.contains(name)) {
          return Decision.deny(
              "dynamic-sql",
              "statement blocked by guardrail dynamic-sql: a body in language "
                  + name
                  + " can run SQL the guardrails cannot read; only sql and plpgsql bodies are"
                  + " allowed on this target");
        }
      }
    }
    return Decision.allow();
  }

  /**
   * EXECUTE in a PL/pgSQL body (EXECUTE, RETURN QUERY EXECUTE, FOR ... IN EXECUTE, OPEN ... FOR
   * EXECUTE) runs a string built at run time: only a constant one, checked as SQL, may run.
   */
  private static Decision dynamicExecute(List<Token> tokens, int i, Scan scan, int depth) {
    int end = i + 1;
    while (end < tokens.size()
        && !tokens.get(end).isWord("into")
        && !tokens.get(end).isWord("using")
        && !tokens.get(end).isWord("loop")) {
      end++;
    }
    String text = ConstantText.of(tokens, i + 1, end);
    if (text == null) {
      return Decision.deny(
          "dynamic-sql",
          "statement blocked by guardrail dynamic-sql: EXECUTE of a string built at run time"
              + " cannot be checked and guardrails are active; EXECUTE only a constant string");
    }
    return decideText(text, scan, depth + 1, false);
  }

  /** Function calls: function rules, set_config's parameter name, SQL passed as text. */
  private static Decision checkCall(List<Token> tokens, int i, Scan scan, int depth) {
    Rules rules = scan.rules;
    Token t = tokens.get(i);
    Decision d = scan.note(functionRule(t.value(), rules));
    if (!d.allowed()) {
      return d;
    }
    // A quoted "SET_CONFIG" is another function; a quoted "set_config" is this one.
    String name = t.value();
    if (name.equals("set_config")) {
      return scan.note(setConfig(tokens, i + 1, rules));
    }
    if (SQL_TEXT_FUNCTIONS.contains(name)) {
      List<int[]> args = ConstantText.arguments(tokens, i + 1);
      if (args == null) {
        return dynamicCall(name);
      }
      for (int[] arg : args) {
        String text = ConstantText.of(tokens, arg[0], arg[1]);
        if (text != null) {
          Decision inner = decideText(text, scan, depth + 1, false);
          if (!inner.allowed()) {
            return inner;
          }
        } else if (!literal(tokens, arg[0], arg[1])) {
          return dynamicCall(name);
        }
      }
    }
    return Decision.allow();
  }

  private static Decision dynamicCall(String function) {
    return Decision.deny(
        "dynamic-sql",
        "statement blocked by guardrail dynamic-sql: "
            + function
            + "() runs SQL given as an argument that is not a constant, which cannot be checked");
  }

  private static boolean literal(List<Token> tokens, int from, int to) {
    if (to - from != 1) {
      return false;
    }
    Token t = tokens.get(from);
    return t.type() == TokenType.NUMBER
        || t.isWord("true")
        || t.isWord("false")
        || t.isWord("null");
  }

  /**
   * {@code set_config(name, value, is_local)} is {@code SET name}: a constant name is judged as
   * that SET; any other name could be every parameter, so it gets the strictest SET rule.
   */
  private static Decision setConfig(List<Token> tokens, int open, Rules rules) {
    Decision strictest = strictestSetRule(rules);
    if (strictest.allowed()) {
      return strictest;
    }
    List<int[]> args = ConstantText.arguments(tokens, open);
    int[] first = args == null || args.isEmpty() ? null : args.get(0);
    if (first != null && named(tokens, first)) {
      // Named notation: set_config(new_value => 'x', setting_name => 'role', ...).
      first = null;
      for (int[] arg : args) {
        if (named(tokens, arg) && tokens.get(arg[0]).value().equalsIgnoreCase("setting_name")) {
          first = new int[] {arg[0] + 2, arg[1]};
        }
      }
    }
    String name = first == null ? null : ConstantText.of(tokens, first[0], first[1]);
    if (name == null) {
      String rule = strictest.ruleName();
      String message =
          "set_config() with a parameter name that is not a constant could set what guardrail "
              + rule
              + " covers";
      return strictest.review()
          ? Decision.review(rule, "statement held for review by guardrail " + rule + ": " + message)
          : Decision.deny(rule, "statement blocked by guardrail " + rule + ": " + message);
    }
    return statementRule(List.of("set", name.toLowerCase(Locale.ROOT)), rules);
  }

  private static boolean named(List<Token> tokens, int[] arg) {
    return arg[1] - arg[0] >= 2
        && tokens.get(arg[0]).isName()
        && tokens.get(arg[0] + 1).type() == TokenType.OPERATOR
        && (tokens.get(arg[0] + 1).value().equals("=>")
            || tokens.get(arg[0] + 1).value().equals(":="));
  }

  /** The deny rule, else the review rule, that covers SET of some parameter; else allow. */
  private static Decision strictestSetRule(Rules rules) {
    for (String rule : rules.deniedStatements()) {
      if (rule.equals("set") || rule.startsWith("set ")) {
        String name = rule.toUpperCase(Locale.ROOT);
        return Decision.deny("statement:" + name, name);
      }
    }
    for (String rule : rules.reviewStatements()) {
      if (rule.equals("set") || rule.startsWith("set ")) {
        String name = rule.toUpperCase(Locale.ROOT);
        return Decision.review("statement:" + name, name);
      }
    }
    return Decision.allow();
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
    List<String> kind = StatementKinds.of(tokens, i);
    Decision d = statementRule(kind, rules);
    if (d.denied()) {
      return d;
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
    return d;
  }

  /** The deny, else the review, statement rule that {@code kind} matches; else allow. */
  private static Decision statementRule(List<String> kind, Rules rules) {
    // Rules are normalised to lower-case words joined by one space: a prefix of whole words of
    // the kind matches, without splitting every rule for every statement.
    String joined = String.join(" ", kind);
    String denied = prefixMatch(joined, rules.deniedStatements());
    if (denied != null) {
      String name = denied.toUpperCase(Locale.ROOT);
      return Decision.deny(
          "statement:" + name,
          "statement blocked by guardrail statement:"
              + name
              + ": "
              + name
              + " statements are not allowed on this target");
    }
    String review = prefixMatch(joined, rules.reviewStatements());
    if (review != null) {
      String name = review.toUpperCase(Locale.ROOT);
      return Decision.review(
          "statement:" + name,
          "statement held for review by guardrail statement:"
              + name
              + ": "
              + name
              + " statements need a reviewer's approval on this target");
    }
    return Decision.allow();
  }

  private static String prefixMatch(String joined, Set<String> rules) {
    for (String rule : rules) {
      if (joined.startsWith(rule)
          && (joined.length() == rule.length() || joined.charAt(rule.length()) == ' ')) {
        return rule;
      }
    }
    return null;
  }

  private static Decision functionRule(String function, Rules rules) {
    for (String f : rules.deniedFunctions()) {
      if (Glob.matches(f, function)) {
        return Decision.deny(
            "function:" + f,
            "statement blocked by guardrail function:" + f + ": calls " + function + "()");
      }
    }
    for (String f : rules.reviewFunctions()) {
      if (Glob.matches(f, function)) {
        return Decision.review(
            "function:" + f,
            "statement held for review by guardrail function:" + f + ": calls " + function + "()");
      }
    }
    return Decision.allow();
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
  private static Decision checkObjects(List<Token> tokens, int i, Scan scan) {
    Rules rules = scan.rules;
    if (rules.deniedObjects().isEmpty() && rules.reviewObjects().isEmpty()) {
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
        Decision d = scan.note(checkObject(parts, rules));
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
      if (objectMatches(pattern, table, qualified)) {
        return Decision.deny(
            "object:" + pattern,
            "statement blocked by guardrail object:" + pattern + ": it uses " + qualified);
      }
    }
    for (String pattern : rules.reviewObjects()) {
      if (objectMatches(pattern, table, qualified)) {
        return Decision.review(
            "object:" + pattern,
            "statement held for review by guardrail object:" + pattern + ": it uses " + qualified);
      }
    }
    return Decision.allow();
  }

  private static boolean objectMatches(String pattern, String table, String qualified) {
    return pattern.indexOf('.') < 0
        ? Glob.matches(pattern, table)
        : Glob.matches(pattern, qualified);
  }
}
