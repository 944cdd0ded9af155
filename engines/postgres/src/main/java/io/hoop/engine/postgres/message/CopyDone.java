package io.hoop.engine.postgres.message;

import io.hoop.engine.postgres.internal.Wire;
import io.hoop.engine.postgres.message.backend.BackendMessage;
import io.hoop.engine.postgres.message.frontend.FrontendMessage;
import io.netty.buffer.ByteBuf;

/** CopyDone ('c'): the end of COPY data, in either direction. */
public record CopyDone() implements FrontendMessage, BackendMessage {
  public static final byte TYPE = 'c';
  public static final CopyDone INSTANCE = new CopyDone();

  /** Decodes the (empty) body of a CopyDone message. */
  public static CopyDone decode(ByteBuf body) {
    Wire.requireConsumed(body, "CopyDone");
    return INSTANCE;
  }

  @Override
  public void encode(ByteBuf out) {
    Wire.end(out, Wire.begin(out, TYPE));
  }
}
