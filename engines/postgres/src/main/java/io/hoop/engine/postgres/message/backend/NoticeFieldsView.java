package io.hoop.engine.postgres.message.backend;

import java.util.Map;

/** The readers ErrorResponse and NoticeResponse share: both carry the same coded fields. */
public interface NoticeFieldsView {
  /** Fields keyed by the codes in {@link Field}. */
  Map<Character, String> fields();

  /** The SQLSTATE code, or null when absent. */
  default String sqlState() {
    return fields().get(Field.SQLSTATE);
  }

  /** The primary message, or null when absent. */
  default String message() {
    return fields().get(Field.MESSAGE);
  }

  /** The severity, preferring the non-localized field. */
  default String severity() {
    return fields().getOrDefault(Field.SEVERITY_NONLOCALIZED, fields().get(Field.SEVERITY));
  }
}
