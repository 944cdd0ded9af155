package io.hoop.engine.postgres.mask;

import java.util.BitSet;

/** What {@link PlanLineage} needs to know of the catalog: which relation columns rules hold. */
public interface LineageCatalog {
  /**
   * The index in {@link MaskingRules#columns()} of the rule masking {@code schema.table.column}
   * (names exactly as PostgreSQL stores them), or -1.
   */
  int ruleOf(String schema, String table, String column);

  /** The rule indices of all ruled columns of {@code schema.table} (its whole-row value). */
  BitSet rulesOf(String schema, String table);

  /**
   * Whether {@code schema.table} reaches ruled data without its columns being ruled by name (a
   * materialized view, a partition or inheritance child of a ruled table): its columns are of
   * unknown lineage.
   */
  boolean derived(String schema, String table);

  /** Whether {@code name} is a user-defined function, whose body the planner output hides. */
  boolean userFunction(String name);

  /**
   * Whether a printed expression may use a user-defined operator or cast (their functions are not
   * printed by name); a cheap over-approximation is fine.
   */
  default boolean userOperatorOrCast(String expression) {
    return false;
  }
}
