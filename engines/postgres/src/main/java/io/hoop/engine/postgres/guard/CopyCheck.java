package io.hoop.engine.postgres.guard;

import static java.util.Objects.requireNonNull;

import io.hoop.engine.postgres.sql.SqlTokenizer;
import io.hoop.engine.postgres.sql.Statement;
import io.hoop.engine.postgres.sql.Token;
import io.hoop.engine.postgres.sql.TokenizedSql;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Refuses {@code COPY ... TO} when it may read a column a masking rule covers: COPY sends no column
 * description, so its rows cannot be masked by column. A table's COPY is refused only when {@link
 * ColumnRules} says its relation or column list holds a ruled column; {@code COPY (query) TO} when
 * the query's lineage may; text that cannot be read is refused. Pure.
 */
public final class CopyCheck {
  private CopyCheck() {}

  /** Decides every COPY ... TO of {@code sql} against {@code columns}. */
  public static Decision decide(String sql, ColumnRules columns) {
    requireNonNull(sql, "sql");
    requireNonNull(columns, "columns");
    if (columns == ColumnRules.NONE || sql.toLowerCase(Locale.ROOT).indexOf("copy") < 0) {
      return Decision.allow();
    }
    TokenizedSql tokenized = SqlTokenizer.tokenize(sql);
    for (Statement statement : tokenized.statements()) {
      List<Token> tokens = statement.tokens();
      if (tokens.isEmpty() || !tokens.get(0).isWord("copy") || !copiesOut(tokens)) {
        continue;
      }
      String reason = reads(sql, tokens, columns);
      if (reason != null) {
        return Decision.deny(
            "masking:copy",
            "statement blocked by masking:copy: COPY ... TO "
                + reason
                + ", and COPY rows cannot be masked by column; use SELECT, whose results are"
                + " masked");
      }
    }
    if (!tokenized.complete()) {
      return Decision.deny(
          "masking:copy",
          "statement blocked by masking:copy: it could not be parsed ("
              + tokenized.problem()
              + ") and may COPY a masked column");
    }
    return Decision.allow();
  }

  /** Whether TO follows at the top level (COPY ... TO STDOUT, a file or a program). */
  private static boolean copiesOut(List<Token> tokens) {
    int depth = 0;
    for (Token token : tokens) {
      if (token.isPunct("(")) {
        depth++;
      } else if (token.isPunct(")")) {
        depth--;
      } else if (depth == 0 && token.isWord("to")) {
        return true;
      }
    }
    return false;
  }

  /** Why the COPY may read a ruled column, or null when it cannot. */
  private static String reads(String sql, List<Token> tokens, ColumnRules columns) {
    int j = 1;
    if (j < tokens.size() && tokens.get(j).isPunct("(")) {
      int close = close(tokens, j);
      String query = close < 0 ? "" : sql.substring(tokens.get(j).end(), tokens.get(close).start());
      return columns.queryReadsRuledColumn(query)
          ? "of a query may read a column with a masking rule"
          : null;
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
    if (parts.isEmpty() || parts.size() > 3) {
      return "of a relation hoop cannot name";
    }
    String table = parts.get(parts.size() - 1);
    String schema = parts.size() > 1 ? parts.get(parts.size() - 2) : null;
    List<String> list = new ArrayList<>();
    if (j < tokens.size() && tokens.get(j).isPunct("(")) {
      for (j++; j < tokens.size() && !tokens.get(j).isPunct(")"); j++) {
        Token t = tokens.get(j);
        if (t.isName()) {
          list.add(t.value());
        } else if (!t.isPunct(",")) {
          return "with a column list hoop cannot read";
        }
      }
    }
    String name = (schema == null ? "" : schema + ".") + table;
    return columns.readsRuledColumn(schema, table, list)
        ? "of " + name + " reads a column with a masking rule"
        : null;
  }

  private static int close(List<Token> tokens, int open) {
    int depth = 0;
    for (int j = open; j < tokens.size(); j++) {
      if (tokens.get(j).isPunct("(")) {
        depth++;
      } else if (tokens.get(j).isPunct(")") && --depth == 0) {
        return j;
      }
    }
    return -1;
  }
}
