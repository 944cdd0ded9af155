package io.hoop.engine.postgres.message.backend;

import static java.util.Objects.requireNonNull;

import io.hoop.engine.postgres.internal.Wire;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/** AuthenticationSASLFinal ('R', 12): the server's final SASL message (its signature). */
public record AuthenticationSaslFinal(byte[] data) implements BackendMessage {
  public static final int CODE = 12;

  public AuthenticationSaslFinal {
    requireNonNull(data, "data");
  }

  /** The SCRAM message as text. */
  public String text() {
    return new String(data, StandardCharsets.UTF_8);
  }

  /** Decodes the body after the authentication code. */
  public static AuthenticationSaslFinal decode(ByteBuf body) {
    return new AuthenticationSaslFinal(Wire.readRemaining(body));
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
    return "AuthenticationSaslFinal[" + data.length + " bytes]";
  }
}
