package io.hoop.engine.postgres.mask;

/**
 * Names the table column behind a result column, from RowDescription's table OID and column number
 * (looked up in pg_attribute by the engine), so aliases cannot hide a column from its rule.
 */
@FunctionalInterface
public interface ColumnResolver {
  /**
   * Returned for a column of a table the resolver has not loaded yet (created after the catalog was
   * read): the masker redacts it, failing closed until the catalog is refreshed.
   */
  String UNRESOLVED = "\u0000unresolved";

  /**
   * Returned for a column of a view (or materialized view) that depends on a ruled column when the
   * column is computed in the view, so which base column it comes from is unknown: it is treated as
   * of unknown lineage ({@code masking.onUnknownLineage}).
   */
  String DERIVED = "\u0000derived";

  /** {@code schema.table.column}, or null when the column is unknown. */
  String resolve(int tableOid, int columnNumber);
}
