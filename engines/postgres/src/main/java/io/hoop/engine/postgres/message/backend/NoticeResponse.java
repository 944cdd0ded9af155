package io.hoop.engine.postgres.message.backend;

import io.netty.buffer.ByteBuf;
import java.util.Map;

/**
 * NoticeResponse ('N'): a warning or notice that does not end the command. Fields are keyed by the
 * codes in {@link Field}.
 */
public record NoticeResponse(Map<Character, String> fields)
    implements BackendMessage, NoticeFieldsView {
  public static final byte TYPE = 'N';

  public NoticeResponse {
    fields = NoticeFields.copy(fields);
  }

  /** A message with severity (e.g. ERROR, FATAL, WARNING), SQLSTATE and message text. */
  public static NoticeResponse of(String severity, String sqlState, String message) {
    return new NoticeResponse(NoticeFields.of(severity, sqlState, message));
  }

  /** A copy with one more field, e.g. {@link Field#DETAIL} or {@link Field#HINT}. */
  public NoticeResponse with(char code, String value) {
    return new NoticeResponse(NoticeFields.with(fields, code, value));
  }

  /** Decodes the body of a NoticeResponse message. */
  public static NoticeResponse decode(ByteBuf body) {
    return new NoticeResponse(NoticeFields.decode(body, "NoticeResponse"));
  }

  @Override
  public void encode(ByteBuf out) {
    NoticeFields.encode(out, TYPE, fields);
  }
}
