package io.hoop.engine.postgres.message;

import static java.util.Objects.requireNonNull;

import io.hoop.engine.postgres.internal.Wire;
import io.hoop.engine.postgres.message.backend.BackendMessage;
import io.hoop.engine.postgres.message.frontend.FrontendMessage;
import io.netty.buffer.ByteBuf;

/** CopyData ('d'): a chunk of COPY data, sent by the client (COPY FROM) or the server (COPY TO). */
public record CopyData(byte[] data) implements FrontendMessage, BackendMessage {
  public static final byte TYPE = 'd';

  public CopyData {
    requireNonNull(data, "data");
  }

  /** Decodes the body of a CopyData message. */
  public static CopyData decode(ByteBuf body) {
    return new CopyData(Wire.readRemaining(body));
  }

  @Override
  public void encode(ByteBuf out) {
    int at = Wire.begin(out, TYPE);
    out.writeBytes(data);
    Wire.end(out, at);
  }

  @Override
  public String toString() {
    return "CopyData[" + data.length + " bytes]";
  }
}
