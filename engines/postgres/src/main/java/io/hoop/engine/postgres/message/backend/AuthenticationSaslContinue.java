package io.hoop.engine.postgres.message.backend;

import static java.util.Objects.requireNonNull;

import io.hoop.engine.postgres.internal.Wire;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/** AuthenticationSASLContinue ('R', 11): the server's next SASL challenge. */
public record AuthenticationSaslContinue(byte[] data) implements BackendMessage {
  public static final int CODE = 11;

  public AuthenticationSaslContinue {
    requireNonNull(data, "data");
  }

  /** The SCRAM message as text. */
  public String text() {
    return new String(data, StandardCharsets.UTF_8);
  }

  /** Decodes the body after the authentication code. */
  public static AuthenticationSaslContinue decode(ByteBuf body) {
    return new AuthenticationSaslContinue(Wire.readRemaining(body));
  }

  @Override
  public void encode(ByteBuf out) {
    int at = Wire.begin(out, BackendMessages.AUTHENTICATION);
    out.writeInt(CODE);
    out.writeBytes(data);
    Wire.end(out, at);
  }

  @Override
  public String toString() {
    return "AuthenticationSaslContinue[" + data.length + " bytes]";
  }
}
