package io.hoop.engine.postgres.message.backend;

import io.hoop.engine.postgres.internal.Wire;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/** AuthenticationSASL ('R', 10): the server offers SASL mechanisms, e.g. SCRAM-SHA-256. */
public record AuthenticationSasl(List<String> mechanisms) implements BackendMessage {
  public static final int CODE = 10;

  public AuthenticationSasl {
    mechanisms = List.copyOf(mechanisms);
  }

  /** Decodes the body after the authentication code. */
  public static AuthenticationSasl decode(ByteBuf body) {
    List<String> mechanisms = new ArrayList<>();
    for (String m = Wire.readCString(body); !m.isEmpty(); m = Wire.readCString(body)) {
      mechanisms.add(m);
    }
    Wire.requireConsumed(body, "AuthenticationSASL");
    return new AuthenticationSasl(mechanisms);
  }

  @Override
  public void encode(ByteBuf out) {
    int at = Wire.begin(out, BackendMessages.AUTHENTICATION);
    out.writeInt(CODE);
    mechanisms.forEach(m -> Wire.writeCString(out, m));
    out.writeByte(0);
    Wire.end(out, at);
  }
}
