package io.hoop.engine.postgres.message;

import io.netty.buffer.ByteBuf;

/** A PostgreSQL protocol message that can write itself, type byte and length included. */
public interface PostgresMessage {
  /** Appends the complete wire form of this message to {@code out}. */
  void encode(ByteBuf out);
}
