package io.hoop.engine.postgres.message.backend;

import io.netty.buffer.ByteBuf;
import java.util.List;

/**
 * CopyBothResponse ('W'): both directions carry CopyData (replication); format 0 is text, 1 binary.
 */
public record CopyBothResponse(byte overallFormat, List<Short> columnFormats)
    implements BackendMessage {
  public static final byte TYPE = 'W';

  public CopyBothResponse {
    columnFormats = List.copyOf(columnFormats);
  }

  /** Decodes the body of a CopyBothResponse message. */
  public static CopyBothResponse decode(ByteBuf body) {
    byte format = body.readByte();
    return new CopyBothResponse(format, CopyFormats.decode(body, "CopyBothResponse"));
  }

  @Override
  public void encode(ByteBuf out) {
    CopyFormats.encode(out, TYPE, overallFormat, columnFormats);
  }
}
