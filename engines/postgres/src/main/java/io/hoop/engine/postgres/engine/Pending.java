package io.hoop.engine.postgres.engine;

import io.hoop.engine.postgres.engine.internal.ColumnCatalog;
import io.hoop.engine.postgres.engine.internal.CopyMasker;
import io.hoop.engine.postgres.engine.internal.Recording;
import io.hoop.engine.postgres.mask.ResultLineage;
import io.hoop.engine.postgres.mask.RowMasker;
import io.hoop.engine.postgres.message.backend.ErrorResponse;
import java.util.List;

/**
 * What the engine waits for from the server, in the order the requests went upstream: the server
 * answers in order, so the head of the queue says what each backend message belongs to.
 */
sealed interface Pending {
  /**
   * A ReadyForQuery is due for a Sync or FunctionCall; not forwarded for a Sync the engine added.
   */
  record SyncPoint(boolean forward) implements Pending {}

  /**
   * A blocked statement's stand-in, sent so the server fails (and aborts its transaction block) as
   * it would have for any error: the server's error for it is swallowed and {@code denial} goes to
   * the client instead.
   */
  record StandIn(ErrorResponse denial) implements Pending {}

  /** An error (or null) and possibly a ReadyForQuery the engine answers itself, in turn. */
  record LocalReply(ErrorResponse error, boolean ready) implements Pending {}

  /**
   * A Describe's RowDescription or NoData is due; a portal's is kept for masking the rows of the
   * Execute that follows, and not forwarded when the engine added the Describe.
   */
  record Describing(boolean portal, String name, boolean forward) implements Pending {}

  /** The engine's own catalog query: its rows feed {@code loader} and nothing is forwarded. */
  final class CatalogLoad implements Pending {
    final ColumnCatalog.Loader loader = new ColumnCatalog.Loader();
    final boolean initial;
    boolean failed;

    CatalogLoad(boolean initial) {
      this.initial = initial;
    }
  }

  /**
   * The engine's own question to the planner about one statement ({@link Lineages#explain}): its
   * answers are consumed, the client's messages wait until its ReadyForQuery.
   */
  final class Explain implements Pending {
    final String sql;
    final long epoch;
    final boolean inTransaction;
    // Where the answer goes: into[index].
    final ResultLineage[] into;
    final int index;
    // Whether the client's messages wait for this answer (else the statement was sent behind it).
    final boolean waited;
    final StringBuilder json = new StringBuilder();
    boolean failed;

    Explain(
        String sql,
        long epoch,
        boolean inTransaction,
        ResultLineage[] into,
        int index,
        boolean waited) {
      this.sql = sql;
      this.epoch = epoch;
      this.inTransaction = inTransaction;
      this.into = into;
      this.index = index;
      this.waited = waited;
    }
  }

  /** The engine's rollback to its savepoint after a failed {@link Explain}; consumed. */
  record Repair() implements Pending {}

  /** Something that produces result rows: a simple Query or an Execute. */
  abstract sealed class Run implements Pending permits QueryRun, ExecuteRun {
    Recording recording;
    RowMasker masker;
    CopyMasker copyMasker;
    // Why the COPY's rows are not sent; null while they are.
    String copyBlocked;

    void resetResult() {
      masker = null;
      copyMasker = null;
      copyBlocked = null;
    }

    /** The planner's lineage of the current statement's columns; null when not known. */
    abstract ResultLineage lineage();
  }

  /** A simple Query: one result per statement, then ReadyForQuery. */
  final class QueryRun extends Run {
    private final String sql;
    private final List<String> statements;
    final ResultLineage[] lineages;
    private int index;

    /** {@code statements} are the texts of {@code sql}'s statements, if it could be split. */
    QueryRun(String sql, List<String> statements) {
      this.sql = sql;
      this.statements = statements;
      this.lineages = new ResultLineage[statements.size()];
      this.recording = new Recording(statements.isEmpty() ? sql : statements.get(0), List.of());
    }

    @Override
    ResultLineage lineage() {
      return index < lineages.length ? lineages[index] : null;
    }

    /** The next statement of the message starts now. */
    void next() {
      resetResult();
      index++;
      recording = new Recording(index < statements.size() ? statements.get(index) : sql, List.of());
    }
  }

  /** An Execute of a portal: rows, then CommandComplete, EmptyQueryResponse or PortalSuspended. */
  final class ExecuteRun extends Run {
    final String portal;
    // The statement's lineage in [0], filled by the planner's answer before the rows; or null.
    private final ResultLineage[] lineage;

    ExecuteRun(String portal, Recording recording, ResultLineage[] lineage) {
      this.portal = portal;
      this.recording = recording;
      this.lineage = lineage;
    }

    @Override
    ResultLineage lineage() {
      return lineage == null ? null : lineage[0];
    }
  }
}
