package io.hoop.engine.postgres.message.frontend;

import io.hoop.engine.postgres.internal.Wire;
import io.netty.buffer.ByteBuf;

/** CancelRequest: sent on a new connection to cancel the query of the identified backend. */
public record CancelRequest(int processId, int secretKey) implements FrontendMessage {
  public static final int CODE = 80877102;

  /** Decodes the body after the request code. */
  public static CancelRequest decode(ByteBuf body) {
    CancelRequest request = new CancelRequest(body.readInt(), body.readInt());
    Wire.requireConsumed(body, "CancelRequest");
    return request;
  }

  @Override
  public void encode(ByteBuf out) {
    int at = Wire.beginUntyped(out);
    out.writeInt(CODE);
    out.writeInt(processId);
    out.writeInt(secretKey);
    Wire.end(out, at);
  }

  @Override
  public String toString() {
    return "CancelRequest[processId=" + processId + ", secretKey=<hidden>]";
  }
}
