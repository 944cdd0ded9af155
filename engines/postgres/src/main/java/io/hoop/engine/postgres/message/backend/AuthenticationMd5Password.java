package io.hoop.engine.postgres.message.backend;

import io.hoop.engine.postgres.internal.Wire;
import io.netty.buffer.ByteBuf;

/** AuthenticationMD5Password ('R', 5): the server asks for an MD5 hash salted with 4 bytes. */
public record AuthenticationMd5Password(byte[] salt) implements BackendMessage {
  public static final int CODE = 5;

  public AuthenticationMd5Password {
    if (salt.length != 4) {
      throw new IllegalArgumentException("MD5 salt has " + salt.length + " bytes, expected 4");
    }
  }

  /** Decodes the body after the authentication code. */
  public static AuthenticationMd5Password decode(ByteBuf body) {
    AuthenticationMd5Password message = new AuthenticationMd5Password(Wire.readBytes(body, 4));
    Wire.requireConsumed(body, "AuthenticationMD5Password");
    return message;
  }

  @Override
  public void encode(ByteBuf out) {
    int at = Wire.begin(out, BackendMessages.AUTHENTICATION);
    out.writeInt(CODE);
    out.writeBytes(salt);
    Wire.end(out, at);
  }
}
