package io.hoop.engine.postgres.message.frontend;

import io.hoop.engine.postgres.internal.Wire;
import io.netty.buffer.ByteBuf;

/** GSSENCRequest: the client asks whether the server will switch to GSSAPI encryption. */
public record GssEncRequest() implements FrontendMessage {
  public static final int CODE = 80877104;
  public static final GssEncRequest INSTANCE = new GssEncRequest();

  @Override
  public void encode(ByteBuf out) {
    int at = Wire.beginUntyped(out);
    out.writeInt(CODE);
    Wire.end(out, at);
  }
}
