package io.hoop.engine.postgres.message.frontend;

import io.hoop.engine.postgres.internal.Wire;
import io.netty.buffer.ByteBuf;

/** Sync ('S'): ends an extended-protocol batch; the server answers with ReadyForQuery. */
public record Sync() implements FrontendMessage {
  public static final byte TYPE = 'S';
  public static final Sync INSTANCE = new Sync();

  /** Decodes the (empty) body of a Sync message. */
  public static Sync decode(ByteBuf body) {
    Wire.requireConsumed(body, "Sync");
    return INSTANCE;
  }

  @Override
  public void encode(ByteBuf out) {
    Wire.end(out, Wire.begin(out, TYPE));
  }
}
