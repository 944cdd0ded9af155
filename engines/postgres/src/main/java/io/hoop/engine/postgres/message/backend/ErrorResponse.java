package io.hoop.engine.postgres.message.backend;

import io.netty.buffer.ByteBuf;
import java.util.Map;

/**
 * ErrorResponse ('E'): an error; the server then sends ReadyForQuery (or closes, for FATAL). Fields
 * are keyed by the codes in {@link Field}.
 */
public record ErrorResponse(Map<Character, String> fields)
    implements BackendMessage, NoticeFieldsView {
  public static final byte TYPE = 'E';

  public ErrorResponse {
    fields = NoticeFields.copy(fields);
  }

  /** A message with severity (e.g. ERROR, FATAL, WARNING), SQLSTATE and message text. */
  public static ErrorResponse of(String severity, String sqlState, String message) {
    return new ErrorResponse(NoticeFields.of(severity, sqlState, message));
  }

  /** A copy with one more field, e.g. {@link Field#DETAIL} or {@link Field#HINT}. */
  public ErrorResponse with(char code, String value) {
    return new ErrorResponse(NoticeFields.with(fields, code, value));
  }

  /** Decodes the body of a ErrorResponse message. */
  public static ErrorResponse decode(ByteBuf body) {
    return new ErrorResponse(NoticeFields.decode(body, "ErrorResponse"));
  }

  @Override
  public void encode(ByteBuf out) {
    NoticeFields.encode(out, TYPE, fields);
  }
}
