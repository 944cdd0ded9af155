package io.hoop.cli.postgres;

/** The broker's postgres end sent bytes this client cannot read as the PostgreSQL protocol. */
public final class PgProtocolException extends Exception {
  private static final long serialVersionUID = 1L;

  public PgProtocolException(String message) {
    super(message);
  }
}
