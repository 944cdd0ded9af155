package io.hoop.engine.postgres.message.backend;

import static java.util.Objects.requireNonNull;

import io.hoop.engine.postgres.internal.Wire;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/** RowDescription ('T'): the columns of the rows that follow. */
public record RowDescription(List<Column> columns) implements BackendMessage {
  public static final byte TYPE = 'T';

  /**
   * One column: {@code tableOid} and {@code columnNumber} are 0 for computed columns; {@code
   * format} is 0 for text, 1 for binary.
   */
  public record Column(
      String name,
      int tableOid,
      short columnNumber,
      int typeOid,
      short typeSize,
      int typeModifier,
      short format) {
    public Column {
      requireNonNull(name, "name");
    }

    /** Whether values of this column arrive in binary format. */
    public boolean binary() {
      return format == 1;
    }
  }

  public RowDescription {
    columns = List.copyOf(columns);
  }

  /** Decodes the body of a RowDescription message. */
  public static RowDescription decode(ByteBuf body) {
    int n = Wire.readCount(body, "RowDescription column");
    List<Column> columns = new ArrayList<>(Math.min(n, body.readableBytes() / 19 + 1));
    for (int i = 0; i < n; i++) {
      columns.add(
          new Column(
              Wire.readCString(body),
              body.readInt(),
              body.readShort(),
              body.readInt(),
              body.readShort(),
              body.readInt(),
              body.readShort()));
    }
    Wire.requireConsumed(body, "RowDescription");
    return new RowDescription(columns);
  }

  @Override
  public void encode(ByteBuf out) {
    int at = Wire.begin(out, TYPE);
    Wire.writeCount(out, columns.size(), "RowDescription column");
    for (Column c : columns) {
      Wire.writeCString(out, c.name());
      out.writeInt(c.tableOid());
      out.writeShort(c.columnNumber());
      out.writeInt(c.typeOid());
      out.writeShort(c.typeSize());
      out.writeInt(c.typeModifier());
      out.writeShort(c.format());
    }
    Wire.end(out, at);
  }
}
