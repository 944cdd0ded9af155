package io.hoop.engine.postgres.message.backend;

import io.hoop.engine.postgres.internal.Wire;
import io.netty.buffer.ByteBuf;

/** BindComplete ('2'): the portal was created. */
public record BindComplete() implements BackendMessage {
  public static final byte TYPE = '2';
  public static final BindComplete INSTANCE = new BindComplete();

  /** Decodes the (empty) body of a BindComplete message. */
  public static BindComplete decode(ByteBuf body) {
    Wire.requireConsumed(body, "BindComplete");
    return INSTANCE;
  }

  @Override
  public void encode(ByteBuf out) {
    Wire.end(out, Wire.begin(out, TYPE));
  }
}
