package io.hoop.engine.postgres.message.backend;

import io.hoop.engine.postgres.internal.Wire;
import io.netty.buffer.ByteBuf;

/** ParseComplete ('1'): the statement was prepared. */
public record ParseComplete() implements BackendMessage {
  public static final byte TYPE = '1';
  public static final ParseComplete INSTANCE = new ParseComplete();

  /** Decodes the (empty) body of a ParseComplete message. */
  public static ParseComplete decode(ByteBuf body) {
    Wire.requireConsumed(body, "ParseComplete");
    return INSTANCE;
  }

  @Override
  public void encode(ByteBuf out) {
    Wire.end(out, Wire.begin(out, TYPE));
  }
}
