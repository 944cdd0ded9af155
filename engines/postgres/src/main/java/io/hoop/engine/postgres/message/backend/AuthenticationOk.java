package io.hoop.engine.postgres.message.backend;

import io.hoop.engine.postgres.internal.Wire;
import io.netty.buffer.ByteBuf;

/** AuthenticationOk ('R', 0): authentication succeeded. */
public record AuthenticationOk() implements BackendMessage {
  public static final int CODE = 0;
  public static final AuthenticationOk INSTANCE = new AuthenticationOk();

  @Override
  public void encode(ByteBuf out) {
    int at = Wire.begin(out, BackendMessages.AUTHENTICATION);
    out.writeInt(CODE);
    Wire.end(out, at);
  }
}
