package io.hoop.engine.postgres.message.backend;

import static java.util.Objects.requireNonNull;

import io.hoop.engine.postgres.internal.Wire;
import io.netty.buffer.ByteBuf;

/** ParameterStatus ('S'): the current value of a reported run-time parameter. */
public record ParameterStatus(String name, String value) implements BackendMessage {
  public static final byte TYPE = 'S';

  public ParameterStatus {
    requireNonNull(name, "name");
    requireNonNull(value, "value");
  }

  /** Decodes the body of a ParameterStatus message. */
  public static ParameterStatus decode(ByteBuf body) {
    ParameterStatus status = new ParameterStatus(Wire.readCString(body), Wire.readCString(body));
    Wire.requireConsumed(body, "ParameterStatus");
    return status;
  }

  @Override
  public void encode(ByteBuf out) {
    int at = Wire.begin(out, TYPE);
    Wire.writeCString(out, name);
    Wire.writeCString(out, value);
    Wire.end(out, at);
  }
}
