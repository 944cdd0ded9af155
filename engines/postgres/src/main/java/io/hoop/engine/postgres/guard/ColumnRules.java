package io.hoop.engine.postgres.guard;

import io.hoop.engine.postgres.internal.Glob;
import java.util.List;

/**
 * The question COPY ... TO puts to the masking rules, whose rows cannot be masked by column: does
 * this relation (with this column list, or all its columns) hold a column a rule masks? Answered by
 * names, so it does not need the catalog; a masking engine that knows more (the table's real
 * columns, a query's lineage) can answer more precisely.
 */
@FunctionalInterface
public interface ColumnRules {
  /** No column rules: COPY reads nothing ruled. */
  ColumnRules NONE = (schema, table, columns) -> false;

  /**
   * Whether COPY of {@code table} may read a ruled column.
   *
   * @param schema the relation's schema as written, or null when unqualified (any schema on the
   *     search_path: answer for every schema)
   * @param table the relation's name
   * @param columns the COPY's column list; empty for all columns of the relation
   */
  boolean readsRuledColumn(String schema, String table, List<String> columns);

  /**
   * Whether {@code COPY (query) TO} may read a ruled column; without lineage, it may (fail closed).
   */
  default boolean queryReadsRuledColumn(String query) {
    return true;
  }

  /**
   * Answers from {@code schema.table.column} globs (case-insensitive): an unqualified relation
   * matches a rule of any schema, and a relation without a column list matches a rule of any column
   * of it.
   */
  static ColumnRules fromGlobs(List<String> columnGlobs) {
    List<String[]> rules =
        columnGlobs.stream().map(g -> g.split("\\.", 3)).filter(p -> p.length == 3).toList();
    if (rules.isEmpty()) {
      return NONE;
    }
    return (schema, table, columns) -> {
      for (String[] rule : rules) {
        if (schema != null && !Glob.matches(rule[0], schema)) {
          continue;
        }
        if (!Glob.matches(rule[1], table)) {
          continue;
        }
        if (columns.isEmpty()) {
          return true;
        }
        for (String column : columns) {
          if (Glob.matches(rule[2], column)) {
            return true;
          }
        }
      }
      return false;
    };
  }
}
