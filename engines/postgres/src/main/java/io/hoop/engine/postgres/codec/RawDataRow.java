package io.hoop.engine.postgres.codec;

import static java.util.Objects.requireNonNull;

import io.hoop.engine.postgres.message.backend.DataRow;
import io.netty.buffer.ByteBuf;

/**
 * A DataRow left undecoded: {@code frame} is the whole message (type, length, body) as a retained
 * slice of the input, so rows that need no masking are relayed without being copied. Whoever takes
 * it must pass {@code frame} on or release it.
 */
public record RawDataRow(ByteBuf frame) {
  public RawDataRow {
    requireNonNull(frame, "frame");
  }

  /** Decodes the row (copying its fields); does not release {@code frame}. */
  public DataRow decode() {
    return DataRow.decode(frame.slice(frame.readerIndex() + 5, frame.readableBytes() - 5));
  }

  @Override
  public String toString() {
    return "RawDataRow[" + frame.readableBytes() + " bytes]";
  }
}
