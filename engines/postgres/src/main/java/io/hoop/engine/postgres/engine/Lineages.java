package io.hoop.engine.postgres.engine;

import io.hoop.engine.postgres.engine.internal.CatalogLineage;
import io.hoop.engine.postgres.engine.internal.ColumnCatalog;
import io.hoop.engine.postgres.mask.MaskingRules;
import io.hoop.engine.postgres.mask.PlanLineage;
import io.hoop.engine.postgres.mask.ResultLineage;
import io.hoop.engine.postgres.mask.StatementLineage;
import io.hoop.engine.postgres.message.frontend.Bind;
import io.hoop.engine.postgres.message.frontend.Close;
import io.hoop.engine.postgres.message.frontend.Execute;
import io.hoop.engine.postgres.message.frontend.FrontendMessage;
import io.hoop.engine.postgres.message.frontend.ObjectKind;
import io.hoop.engine.postgres.message.frontend.Parse;
import io.hoop.engine.postgres.message.frontend.Sync;
import io.hoop.engine.postgres.sql.SqlTokenizer;
import io.hoop.engine.postgres.sql.Statement;
import io.hoop.engine.postgres.sql.Token;
import io.hoop.engine.postgres.sql.TokenType;
import io.hoop.engine.postgres.sql.TokenizedSql;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The session's per-column lineage: which statements need the planner's answer (they name ruled
 * data), the internal messages that ask for it ({@code EXPLAIN (VERBOSE, FORMAT JSON)}, never
 * ANALYZE), and a bounded cache of the answers per statement text. A cached answer holds only while
 * names resolve as they did: every statement that may change that (SET, RESET, set_config, DDL,
 * writes whose triggers run code, a transaction end reverting a SET LOCAL, a user-defined function)
 * clears the cache, and so does a new catalog read.
 */
final class Lineages {
  /** Answers kept per session. */
  static final int MAX_CACHED = 256;

  /** Statements longer than this are explained each time, not cached. */
  static final int MAX_CACHED_SQL = 16 * 1024;

  /** Names of the engine's own prepared statement, portal and savepoint. */
  static final String NAME = "hoop_lineage";

  private static final Set<String> EXPLAINABLE = Set.of("select", "with", "values", "table");
  private static final Set<String> WRITES = Set.of("insert", "update", "delete");
  private static final Set<String> READS =
      Set.of(
          "select", "with", "values", "table", "show", "fetch", "move", "declare", "begin",
          "start");
  private static final Set<String> DATA_CHANGES = Set.of("insert", "update", "delete", "merge");

  private final MaskingRules masking;
  private final boolean columnRules;
  private final Map<String, ResultLineage> cache =
      new LinkedHashMap<>(64, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, ResultLineage> eldest) {
          return size() > MAX_CACHED;
        }
      };
  private CatalogLineage catalog;
  private long epoch;

  Lineages(MaskingRules masking) {
    this.masking = masking;
    this.columnRules = masking != null && !masking.columns().isEmpty();
  }

  /** Whether masking has column rules, so lineage matters at all. */
  boolean active() {
    return columnRules;
  }

  /** A new catalog read: the old answers may name what changed. */
  void catalog(ColumnCatalog read) {
    catalog = read == ColumnCatalog.EMPTY ? null : new CatalogLineage(read, masking);
    bump();
  }

  /** Forgets every cached answer: names may resolve differently from now on. */
  void bump() {
    epoch++;
    cache.clear();
  }

  long epoch() {
    return epoch;
  }

  /** Whether {@code sql} names ruled data, so its computed columns need the planner's lineage. */
  boolean needed(String sql) {
    return columnRules
        && catalog != null
        && StatementLineage.mayReadRuled(sql, catalog.catalog().lineageNames());
  }

  /** The cached answer for {@code sql}, or null. */
  ResultLineage cached(String sql) {
    return cache.get(sql);
  }

  /**
   * Whether the planner can and should be asked about {@code sql}: a query (or a write with
   * RETURNING) without parameters (PostgreSQL 15 cannot plan a statement whose parameters have no
   * values), whose select list is not only names ({@code select abalance from accounts where ...}:
   * its columns are plain, their origins in the RowDescription; should one be computed after all, a
   * whole row or a CTE's column, it gets the statement-wide rule, so skipping is safe).
   */
  static boolean explainable(String sql) {
    List<Token> tokens = tokens(sql);
    if (tokens == null) {
      return false;
    }
    String first = firstWord(tokens);
    if (first == null || (first.equals("select") && namesOnly(tokens))) {
      return false;
    }
    boolean returning = false;
    for (Token t : tokens) {
      if (t.type() == TokenType.PARAMETER) {
        return false;
      }
      returning |= t.isWord("returning");
    }
    return EXPLAINABLE.contains(first) || (WRITES.contains(first) && returning);
  }

  /**
   * Whether running {@code sql} leaves name resolution as it was: a read that calls no user-defined
   * function and no set_config. Everything else clears the cache after it runs.
   */
  boolean keepsNames(String sql) {
    List<Token> tokens = tokens(sql);
    if (tokens == null || sql.toLowerCase(Locale.ROOT).contains("u&")) {
      return false;
    }
    String first = firstWord(tokens);
    if (first == null || !READS.contains(first)) {
      return first == null && tokens.isEmpty();
    }
    Set<String> functions = catalog == null ? Set.of() : catalog.catalog().functionNames();
    for (Token t : tokens) {
      if (!t.isName()) {
        continue;
      }
      String name = t.value().toLowerCase(Locale.ROOT);
      if (name.equals("set_config")
          || functions.contains(name)
          || (first.equals("with") && DATA_CHANGES.contains(name))) {
        return false;
      }
    }
    return true;
  }

  /**
   * Reads the planner's answer for {@code sql} and caches it when it was asked at {@code
   * askedEpoch} and nothing changed since; null when there is no usable answer.
   */
  ResultLineage answer(String sql, String json, long askedEpoch) {
    if (json == null || catalog == null) {
      return null;
    }
    ResultLineage lineage = PlanLineage.analyze(json, catalog, masking);
    if (lineage != null
        && askedEpoch == epoch
        && sql.length() <= MAX_CACHED_SQL
        && !callsUserCode(json)) {
      cache.put(sql, lineage);
    }
    return lineage;
  }

  /** Whether the plan calls a user-defined function or set_config (it may change names). */
  private boolean callsUserCode(String json) {
    String lower = json.toLowerCase(Locale.ROOT);
    if (lower.contains("set_config")) {
      return true;
    }
    for (String f : catalog.catalog().functionNames()) {
      if (lower.contains(f + "(") || lower.contains(f + "\\\"(")) {
        return true;
      }
    }
    return false;
  }

  /**
   * The messages asking the planner about {@code sql}, as one extended-protocol batch (a single
   * statement: the server refuses more) on the engine's own statement and portal; inside a
   * transaction block wrapped in a savepoint, so a failure can be rolled back ({@link #repair}).
   */
  static List<FrontendMessage> explain(String sql, boolean inTransaction) {
    List<FrontendMessage> out = new ArrayList<>();
    out.add(new Close(ObjectKind.PORTAL, NAME));
    out.add(new Close(ObjectKind.STATEMENT, NAME));
    if (inTransaction) {
      run(out, "SAVEPOINT " + NAME);
    }
    run(out, "EXPLAIN (VERBOSE, FORMAT JSON) " + sql);
    if (inTransaction) {
      run(out, "RELEASE SAVEPOINT " + NAME);
    }
    out.add(Sync.INSTANCE);
    return out;
  }

  /** The messages undoing a failed {@link #explain} inside a transaction block. */
  static List<FrontendMessage> repair() {
    List<FrontendMessage> out = new ArrayList<>();
    out.add(new Close(ObjectKind.PORTAL, NAME));
    out.add(new Close(ObjectKind.STATEMENT, NAME));
    run(out, "ROLLBACK TO SAVEPOINT " + NAME);
    run(out, "RELEASE SAVEPOINT " + NAME);
    out.add(Sync.INSTANCE);
    return out;
  }

  private static void run(List<FrontendMessage> out, String sql) {
    out.add(new Parse(NAME, sql, List.of()));
    out.add(new Bind(NAME, NAME, List.of(), List.of(), List.of()));
    out.add(new Execute(NAME, 0));
    out.add(new Close(ObjectKind.PORTAL, NAME));
    out.add(new Close(ObjectKind.STATEMENT, NAME));
  }

  /** The tokens of {@code sql}, a single statement; null when it is not one or incomplete. */
  private static List<Token> tokens(String sql) {
    TokenizedSql tokenized = SqlTokenizer.tokenize(sql);
    if (!tokenized.complete()) {
      return null;
    }
    List<Token> tokens = null;
    for (Statement statement : tokenized.statements()) {
      if (!statement.isEmpty()) {
        if (tokens != null) {
          return null;
        }
        tokens = statement.tokens();
      }
    }
    return tokens == null ? List.of() : tokens;
  }

  /**
   * Whether the select list (from a leading SELECT to its FROM) is names, dots, commas and stars.
   */
  private static boolean namesOnly(List<Token> tokens) {
    if (tokens.isEmpty() || !tokens.get(0).isWord("select")) {
      return false;
    }
    for (int i = 1; i < tokens.size(); i++) {
      Token t = tokens.get(i);
      if (t.isWord("from")) {
        return i > 1;
      }
      Token before = tokens.get(i - 1);
      boolean star =
          t.type() == TokenType.OPERATOR
              && t.value().equals("*")
              && (i == 1 || before.isPunct(",") || before.isPunct("."));
      boolean name = t.isName() && !t.isWord("select");
      if (!name && !star && !t.isPunct(".") && !t.isPunct(",")) {
        return false;
      }
    }
    return false;
  }

  private static String firstWord(List<Token> tokens) {
    for (Token t : tokens) {
      if (t.type() == TokenType.WORD) {
        return t.value();
      }
      if (!t.isPunct("(")) {
        return null;
      }
    }
    return null;
  }
}
