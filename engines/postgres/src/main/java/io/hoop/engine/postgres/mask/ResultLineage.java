package io.hoop.engine.postgres.mask;

import java.util.List;

/**
 * Per result column, whether its value may derive from a ruled column, as the database's own
 * planner said ({@link PlanLineage}): clean, masked with a style, or of unknown lineage.
 *
 * @param columns one entry per result column, in order; columns beyond the list are unknown
 * @param writes whether the statement writes (INSERT/UPDATE/DELETE ... RETURNING): then even a
 *     result column read straight from a table may carry what the statement just copied into it
 */
public record ResultLineage(List<Column> columns, boolean writes) {
  public ResultLineage {
    columns = List.copyOf(columns);
  }

  /** One result column's lineage: no rule reached it, a rule's style applies, or unknown. */
  public record Column(MaskStyle style, boolean unknown) {
    /** No ruled column reaches it. */
    public static final Column CLEAN = new Column(null, false);

    /** The planner's answer does not say where it comes from. */
    public static final Column UNKNOWN = new Column(null, true);
  }

  /** The lineage of result column {@code index}; unknown beyond the planner's output list. */
  public Column column(int index) {
    return index < columns.size() ? columns.get(index) : Column.UNKNOWN;
  }
}
