package io.hoop.engine.postgres.message.backend;

/** Field codes of ErrorResponse and NoticeResponse. */
public final class Field {
  public static final char SEVERITY = 'S';
  public static final char SEVERITY_NONLOCALIZED = 'V';
  public static final char SQLSTATE = 'C';
  public static final char MESSAGE = 'M';
  public static final char DETAIL = 'D';
  public static final char HINT = 'H';
  public static final char POSITION = 'P';

  private Field() {}
}
