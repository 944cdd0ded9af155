package io.hoop.engine.postgres.message.backend;

import io.hoop.engine.postgres.internal.Wire;
import io.netty.buffer.ByteBuf;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** The field list shared by ErrorResponse and NoticeResponse: code byte, string, ending in NUL. */
final class NoticeFields {
  private NoticeFields() {}

  static Map<Character, String> copy(Map<Character, String> fields) {
    for (Character code : fields.keySet()) {
      if (code == null || code == 0 || code > 0x7f) {
        throw new IllegalArgumentException(
            "notice field code "
                + (int) (code == null ? 0 : code)
                + " is not a non-NUL ASCII byte");
      }
    }
    return Collections.unmodifiableMap(new LinkedHashMap<>(fields));
  }

  static Map<Character, String> decode(ByteBuf body, String message) {
    Map<Character, String> fields = new LinkedHashMap<>();
    for (byte code = body.readByte(); code != 0; code = body.readByte()) {
      fields.put((char) (code & 0xff), Wire.readCString(body));
    }
    Wire.requireConsumed(body, message);
    return fields;
  }

  static void encode(ByteBuf out, byte type, Map<Character, String> fields) {
    int at = Wire.begin(out, type);
    fields.forEach(
        (code, value) -> {
          out.writeByte(code);
          Wire.writeCString(out, value);
        });
    out.writeByte(0);
    Wire.end(out, at);
  }

  static Map<Character, String> of(String severity, String sqlState, String message) {
    Map<Character, String> fields = new LinkedHashMap<>();
    fields.put(Field.SEVERITY, severity);
    fields.put(Field.SEVERITY_NONLOCALIZED, severity);
    fields.put(Field.SQLSTATE, sqlState);
    fields.put(Field.MESSAGE, message);
    return fields;
  }

  static Map<Character, String> with(Map<Character, String> fields, char code, String value) {
    Map<Character, String> copy = new LinkedHashMap<>(fields);
    copy.put(code, value);
    return copy;
  }
}
