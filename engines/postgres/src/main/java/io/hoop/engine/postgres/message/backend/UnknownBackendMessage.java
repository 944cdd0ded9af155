package io.hoop.engine.postgres.message.backend;

import static java.util.Objects.requireNonNull;

import io.hoop.engine.postgres.internal.Wire;
import io.netty.buffer.ByteBuf;

/**
 * A server message this codec does not model (including authentication requests other than the
 * modelled ones), passed through as type and payload.
 */
public record UnknownBackendMessage(byte type, byte[] payload) implements BackendMessage {
  public UnknownBackendMessage {
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
    return "UnknownBackendMessage[type=" + (char) type + ", " + payload.length + " bytes]";
  }
}
