package io.hoop.engine.postgres.sql;

import java.util.List;

/**
 * The statements of a SQL text. {@code problem} is null when the whole text was tokenized, else it
 * says what could not be (an unterminated string, comment or identifier) so callers can fail
 * closed.
 */
public record TokenizedSql(List<Statement> statements, String problem) {
  public TokenizedSql {
    statements = List.copyOf(statements);
  }

  /** Whether the text was tokenized to its end. */
  public boolean complete() {
    return problem == null;
  }
}
