package io.hoop.engine.postgres.message.backend;

import io.hoop.engine.postgres.internal.Wire;
import io.netty.buffer.ByteBuf;

/** EmptyQueryResponse ('I'): the query string was empty. */
public record EmptyQueryResponse() implements BackendMessage {
  public static final byte TYPE = 'I';
  public static final EmptyQueryResponse INSTANCE = new EmptyQueryResponse();

  /** Decodes the (empty) body of a EmptyQueryResponse message. */
  public static EmptyQueryResponse decode(ByteBuf body) {
    Wire.requireConsumed(body, "EmptyQueryResponse");
    return INSTANCE;
  }

  @Override
  public void encode(ByteBuf out) {
    Wire.end(out, Wire.begin(out, TYPE));
  }
}
