package io.hoop.engine.postgres.message.frontend;

import static java.util.Objects.requireNonNull;

import io.hoop.engine.postgres.internal.Wire;
import io.netty.buffer.ByteBuf;

/** Close ('C'): closes a prepared statement or portal (empty name for the unnamed one). */
public record Close(ObjectKind kind, String name) implements FrontendMessage {
  public static final byte TYPE = 'C';

  public Close {
    requireNonNull(kind, "kind");
    requireNonNull(name, "name");
  }

  /** Decodes the body of a Close message. */
  public static Close decode(ByteBuf body) {
    ObjectKind kind = ObjectKind.of(body.readByte());
    Close message = new Close(kind, Wire.readCString(body));
    Wire.requireConsumed(body, "Close");
    return message;
  }

  @Override
  public void encode(ByteBuf out) {
    int at = Wire.begin(out, TYPE);
    out.writeByte(kind.code());
    Wire.writeCString(out, name);
    Wire.end(out, at);
  }
}
