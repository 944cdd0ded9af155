package io.hoop.engine.postgres.message.backend;

import io.hoop.engine.postgres.internal.Wire;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/** The column format list shared by the Copy*Response messages. */
final class CopyFormats {
  private CopyFormats() {}

  static List<Short> decode(ByteBuf body, String message) {
    int n = Wire.readCount(body, message + " column format");
    List<Short> formats = new ArrayList<>(Math.min(n, body.readableBytes() / 2 + 1));
    for (int i = 0; i < n; i++) {
      formats.add(body.readShort());
    }
    Wire.requireConsumed(body, message);
    return formats;
  }

  static void encode(ByteBuf out, byte type, byte overallFormat, List<Short> formats) {
    int at = Wire.begin(out, type);
    out.writeByte(overallFormat);
    Wire.writeCount(out, formats.size(), "column format");
    formats.forEach(f -> out.writeShort(f));
    Wire.end(out, at);
  }
}
