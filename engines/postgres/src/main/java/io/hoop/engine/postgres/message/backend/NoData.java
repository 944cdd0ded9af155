package io.hoop.engine.postgres.message.backend;

import io.hoop.engine.postgres.internal.Wire;
import io.netty.buffer.ByteBuf;

/** NoData ('n'): the described statement or portal returns no rows. */
public record NoData() implements BackendMessage {
  public static final byte TYPE = 'n';
  public static final NoData INSTANCE = new NoData();

  /** Decodes the (empty) body of a NoData message. */
  public static NoData decode(ByteBuf body) {
    Wire.requireConsumed(body, "NoData");
    return INSTANCE;
  }

  @Override
  public void encode(ByteBuf out) {
    Wire.end(out, Wire.begin(out, TYPE));
  }
}
