package io.hoop.engine.postgres.message.backend;

import io.hoop.engine.postgres.internal.Wire;
import io.netty.buffer.ByteBuf;

/** CloseComplete ('3'): the statement or portal was closed. */
public record CloseComplete() implements BackendMessage {
  public static final byte TYPE = '3';
  public static final CloseComplete INSTANCE = new CloseComplete();

  /** Decodes the (empty) body of a CloseComplete message. */
  public static CloseComplete decode(ByteBuf body) {
    Wire.requireConsumed(body, "CloseComplete");
    return INSTANCE;
  }

  @Override
  public void encode(ByteBuf out) {
    Wire.end(out, Wire.begin(out, TYPE));
  }
}
