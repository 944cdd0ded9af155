package io.hoop.engine.postgres.message.backend;

import io.hoop.engine.postgres.internal.Wire;
import io.netty.buffer.ByteBuf;

/** BackendKeyData ('K'): the process id and secret a client needs to send a CancelRequest. */
public record BackendKeyData(int processId, int secretKey) implements BackendMessage {
  public static final byte TYPE = 'K';

  /** Decodes the body of a BackendKeyData message. */
  public static BackendKeyData decode(ByteBuf body) {
    BackendKeyData data = new BackendKeyData(body.readInt(), body.readInt());
    Wire.requireConsumed(body, "BackendKeyData");
    return data;
  }

  @Override
  public void encode(ByteBuf out) {
    int at = Wire.begin(out, TYPE);
    out.writeInt(processId);
    out.writeInt(secretKey);
    Wire.end(out, at);
  }

  @Override
  public String toString() {
    return "BackendKeyData[processId=" + processId + ", secretKey=<hidden>]";
  }
}
