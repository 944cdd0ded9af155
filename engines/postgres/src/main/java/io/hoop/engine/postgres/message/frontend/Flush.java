package io.hoop.engine.postgres.message.frontend;

import io.hoop.engine.postgres.internal.Wire;
import io.netty.buffer.ByteBuf;

/** Flush ('H'): asks the server to send its pending output. */
public record Flush() implements FrontendMessage {
  public static final byte TYPE = 'H';
  public static final Flush INSTANCE = new Flush();

  /** Decodes the (empty) body of a Flush message. */
  public static Flush decode(ByteBuf body) {
    Wire.requireConsumed(body, "Flush");
    return INSTANCE;
  }

  @Override
  public void encode(ByteBuf out) {
    Wire.end(out, Wire.begin(out, TYPE));
  }
}
