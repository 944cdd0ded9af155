package io.hoop.engine.postgres.message.frontend;

import static java.util.Objects.requireNonNull;

import io.hoop.engine.postgres.internal.Wire;
import io.netty.buffer.ByteBuf;

/** A client message of a type this codec does not model, passed through as type and payload. */
public record UnknownFrontendMessage(byte type, byte[] payload) implements FrontendMessage {
  public UnknownFrontendMessage {
    requireNonNull(payload, "payload");
  }

  @Override
  public void encode(ByteBuf out) {
    int at = Wire.begin(out, type);
    out.writeBytes(payload);
    Wire.end(out, at);
  }

  @Override
  public String toString() {
    return "UnknownFrontendMessage[type=" + (char) type + ", " + payload.length + " bytes]";
  }
}
