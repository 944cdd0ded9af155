package io.hoop.engine.postgres.message.backend;

import io.hoop.engine.postgres.internal.Wire;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/** DataRow ('D'): one result row; a null entry is SQL NULL. */
public record DataRow(List<byte[]> fields) implements BackendMessage {
  public static final byte TYPE = 'D';

  public DataRow {
    fields = Collections.unmodifiableList(Arrays.asList(fields.toArray(new byte[0][])));
  }

  /** Decodes the body of a DataRow message. */
  public static DataRow decode(ByteBuf body) {
    int n = Wire.readCount(body, "DataRow field");
    List<byte[]> fields = new ArrayList<>(Math.min(n, body.readableBytes() / 4 + 1));
    for (int i = 0; i < n; i++) {
      int length = body.readInt();
      fields.add(length == -1 ? null : Wire.readBytes(body, length));
    }
    Wire.requireConsumed(body, "DataRow");
    return new DataRow(fields);
  }

  @Override
  public void encode(ByteBuf out) {
    int at = Wire.begin(out, TYPE);
    Wire.writeCount(out, fields.size(), "DataRow field");
    for (byte[] field : fields) {
      if (field == null) {
        out.writeInt(-1);
      } else {
        out.writeInt(field.length);
        out.writeBytes(field);
      }
    }
    Wire.end(out, at);
  }

  @Override
  public String toString() {
    // Row values are the data masking protects: never print them.
    return "DataRow[" + fields.size() + " fields]";
  }
}
