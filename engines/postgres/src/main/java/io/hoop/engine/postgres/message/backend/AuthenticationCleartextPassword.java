package io.hoop.engine.postgres.message.backend;

import io.hoop.engine.postgres.internal.Wire;
import io.netty.buffer.ByteBuf;

/** AuthenticationCleartextPassword ('R', 3): the server asks for the password in clear. */
public record AuthenticationCleartextPassword() implements BackendMessage {
  public static final int CODE = 3;
  public static final AuthenticationCleartextPassword INSTANCE =
      new AuthenticationCleartextPassword();

  @Override
  public void encode(ByteBuf out) {
    int at = Wire.begin(out, BackendMessages.AUTHENTICATION);
    out.writeInt(CODE);
    Wire.end(out, at);
  }
}
