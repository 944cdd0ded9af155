package io.hoop.engine.postgres.message.frontend;

import io.hoop.engine.postgres.internal.Wire;
import io.netty.buffer.ByteBuf;

/** Terminate ('X'): the client is closing the connection. */
public record Terminate() implements FrontendMessage {
  public static final byte TYPE = 'X';
  public static final Terminate INSTANCE = new Terminate();

  /** Decodes the (empty) body of a Terminate message. */
  public static Terminate decode(ByteBuf body) {
    Wire.requireConsumed(body, "Terminate");
    return INSTANCE;
  }

  @Override
  public void encode(ByteBuf out) {
    Wire.end(out, Wire.begin(out, TYPE));
  }
}
