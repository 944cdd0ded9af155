package io.hoop.engine.postgres.sql;

import java.util.List;

/** The tokens of one statement, without comments and without the terminating semicolon. */
public record Statement(List<Token> tokens) {
  public Statement {
    tokens = List.copyOf(tokens);
  }

  /** Whether the statement has no tokens (e.g. {@code ;;} or only a comment). */
  public boolean isEmpty() {
    return tokens.isEmpty();
  }
}
