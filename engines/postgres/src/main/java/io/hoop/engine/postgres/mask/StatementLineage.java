package io.hoop.engine.postgres.mask;

import java.util.Locale;
import java.util.Set;

/**
 * Decides, from a statement's text alone, whether its computed result columns could carry data of a
 * ruled column. Sound rather than precise: the statement may read ruled data when its text names
 * any relation that has a ruled column or whose definition depends on one (views, materialized
 * views, partitions, as read from the catalog), any user-defined function (a PL/pgSQL body is
 * opaque), a built-in that runs a query given as text ({@code query_to_xml}, {@code ts_stat}) or
 * exposes sampled values ({@code pg_stats}), or a command whose query was sent earlier ({@code
 * FETCH}, {@code EXECUTE}). Names are matched as words anywhere in the text, string literals and
 * dollar-quoted bodies included, case-insensitively; a {@code U&} escape, which can spell any name,
 * makes the statement unknown too. Pure.
 */
public final class StatementLineage {
  /** Built-ins and keywords that reach data the statement's text does not name. */
  static final Set<String> ALWAYS =
      Set.of(
          "fetch",
          "execute",
          "query_to_xml",
          "query_to_xml_and_xmlschema",
          "query_to_xmlschema",
          "cursor_to_xml",
          "cursor_to_xmlschema",
          "table_to_xml",
          "table_to_xml_and_xmlschema",
          "table_to_xmlschema",
          "schema_to_xml",
          "schema_to_xml_and_xmlschema",
          "schema_to_xmlschema",
          "database_to_xml",
          "database_to_xml_and_xmlschema",
          "database_to_xmlschema",
          "ts_stat",
          "pg_stats",
          "pg_statistic",
          "pg_stats_ext",
          "pg_stats_ext_exprs",
          "pg_statistic_ext_data");

  private StatementLineage() {}

  /**
   * Whether {@code sql} may read ruled data.
   *
   * @param names lower-case names of relations and functions that can reach ruled columns
   */
  public static boolean mayReadRuled(String sql, Set<String> names) {
    String text = sql.toLowerCase(Locale.ROOT);
    if (text.contains("u&")) {
      return true;
    }
    int n = text.length();
    int i = 0;
    while (i < n) {
      char c = text.charAt(i);
      if (!isWordChar(c)) {
        i++;
        continue;
      }
      int start = i;
      while (i < n && isWordChar(text.charAt(i))) {
        i++;
      }
      String word = text.substring(start, i);
      if (ALWAYS.contains(word) || names.contains(word)) {
        return true;
      }
    }
    for (String name : names) {
      // Names that are not one word ("order items") are looked for as they are.
      if (!isOneWord(name) && text.contains(name)) {
        return true;
      }
    }
    return false;
  }

  private static boolean isOneWord(String name) {
    for (int i = 0; i < name.length(); i++) {
      if (!isWordChar(name.charAt(i))) {
        return false;
      }
    }
    return !name.isEmpty();
  }

  private static boolean isWordChar(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= '0' && c <= '9')
        || c == '_'
        || c == '$'
        || (c >= 0x80 && Character.isLetterOrDigit(c));
  }
}
