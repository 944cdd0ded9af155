package io.hoop.engine.postgres.message.frontend;

import io.hoop.engine.postgres.internal.Wire;
import io.netty.buffer.ByteBuf;

/** SSLRequest: the client asks whether the server will switch to TLS. */
public record SslRequest() implements FrontendMessage {
  public static final int CODE = 80877103;
  public static final SslRequest INSTANCE = new SslRequest();

  @Override
  public void encode(ByteBuf out) {
    int at = Wire.beginUntyped(out);
    out.writeInt(CODE);
    Wire.end(out, at);
  }
}
