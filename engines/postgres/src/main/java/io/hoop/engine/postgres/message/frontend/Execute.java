package io.hoop.engine.postgres.message.frontend;

import static java.util.Objects.requireNonNull;

import io.hoop.engine.postgres.internal.Wire;
import io.netty.buffer.ByteBuf;

/** Execute ('E'): runs a portal, returning at most {@code maxRows} rows (0 for all). */
public record Execute(String portal, int maxRows) implements FrontendMessage {
  public static final byte TYPE = 'E';

  public Execute {
    requireNonNull(portal, "portal");
  }

  /** Decodes the body of an Execute message. */
  public static Execute decode(ByteBuf body) {
    Execute execute = new Execute(Wire.readCString(body), body.readInt());
    Wire.requireConsumed(body, "Execute");
    return execute;
  }

  @Override
  public void encode(ByteBuf out) {
    int at = Wire.begin(out, TYPE);
    Wire.writeCString(out, portal);
    out.writeInt(maxRows);
    Wire.end(out, at);
  }
}
