package io.hoop.engine.postgres.message.backend;

import io.hoop.engine.postgres.internal.Wire;
import io.netty.buffer.ByteBuf;

/** PortalSuspended ('s'): Execute reached its row limit before the portal was exhausted. */
public record PortalSuspended() implements BackendMessage {
  public static final byte TYPE = 's';
  public static final PortalSuspended INSTANCE = new PortalSuspended();

  /** Decodes the (empty) body of a PortalSuspended message. */
  public static PortalSuspended decode(ByteBuf body) {
    Wire.requireConsumed(body, "PortalSuspended");
    return INSTANCE;
  }

  @Override
  public void encode(ByteBuf out) {
    Wire.end(out, Wire.begin(out, TYPE));
  }
}
