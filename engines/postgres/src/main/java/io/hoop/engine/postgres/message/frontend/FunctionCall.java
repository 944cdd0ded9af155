package io.hoop.engine.postgres.message.frontend;

import static java.util.Objects.requireNonNull;

import io.hoop.engine.postgres.internal.Wire;
import io.netty.buffer.ByteBuf;

/**
 * FunctionCall ('F'): the legacy fast-path call by function OID, kept opaque. It bypasses SQL, so
 * guardrails should refuse it rather than try to interpret it.
 */
public record FunctionCall(byte[] payload) implements FrontendMessage {
  public static final byte TYPE = 'F';

  public FunctionCall {
    requireNonNull(payload, "payload");
  }

  /** The OID of the called function, the first field of the payload. */
  public int functionOid() {
    if (payload.length < 4) {
      throw new IllegalStateException(
          "FunctionCall payload of " + payload.length + " bytes has no function OID");
    }
    return ((payload[0] & 0xff) << 24)
        | ((payload[1] & 0xff) << 16)
        | ((payload[2] & 0xff) << 8)
        | (payload[3] & 0xff);
  }

  /** Decodes the body of a FunctionCall message. */
  public static FunctionCall decode(ByteBuf body) {
    return new FunctionCall(Wire.readRemaining(body));
  }

  @Override
  public void encode(ByteBuf out) {
    int at = Wire.begin(out, TYPE);
    out.writeBytes(payload);
    Wire.end(out, at);
  }

  @Override
  public String toString() {
    return "FunctionCall[" + payload.length + " bytes]";
  }
}
