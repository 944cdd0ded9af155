package io.hoop.engine.postgres.message.frontend;

import static java.util.Objects.requireNonNull;

import io.hoop.engine.postgres.internal.Wire;
import io.netty.buffer.ByteBuf;

/** Describe ('D'): names a prepared statement or portal (empty name for the unnamed one). */
public record Describe(ObjectKind kind, String name) implements FrontendMessage {
  public static final byte TYPE = 'D';

  public Describe {
    requireNonNull(kind, "kind");
    requireNonNull(name, "name");
  }

  /** Decodes the body of a Describe message. */
  public static Describe decode(ByteBuf body) {
    ObjectKind kind = ObjectKind.of(body.readByte());
    Describe message = new Describe(kind, Wire.readCString(body));
    Wire.requireConsumed(body, "Describe");
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
