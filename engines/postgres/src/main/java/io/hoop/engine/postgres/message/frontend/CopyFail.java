package io.hoop.engine.postgres.message.frontend;

import static java.util.Objects.requireNonNull;

import io.hoop.engine.postgres.internal.Wire;
import io.netty.buffer.ByteBuf;

/** CopyFail ('f'): the client aborts COPY FROM STDIN with a reason. */
public record CopyFail(String reason) implements FrontendMessage {
  public static final byte TYPE = 'f';

  public CopyFail {
    requireNonNull(reason, "reason");
  }

  /** Decodes the body of a CopyFail message. */
  public static CopyFail decode(ByteBuf body) {
    CopyFail fail = new CopyFail(Wire.readCString(body));
    Wire.requireConsumed(body, "CopyFail");
    return fail;
  }

  @Override
  public void encode(ByteBuf out) {
    int at = Wire.begin(out, TYPE);
    Wire.writeCString(out, reason);
    Wire.end(out, at);
  }
}
