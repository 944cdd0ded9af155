package io.hoop.engine.postgres.message.backend;

import io.netty.buffer.ByteBuf;
import java.util.List;

/** CopyOutResponse ('H'): COPY TO STDOUT data follows as CopyData; format 0 is text, 1 binary. */
public record CopyOutResponse(byte overallFormat, List<Short> columnFormats)
    implements BackendMessage {
  public static final byte TYPE = 'H';

  public CopyOutResponse {
    columnFormats = List.copyOf(columnFormats);
  }

  /** Decodes the body of a CopyOutResponse message. */
  public static CopyOutResponse decode(ByteBuf body) {
    byte format = body.readByte();
    return new CopyOutResponse(format, CopyFormats.decode(body, "CopyOutResponse"));
  }

  @Override
  public void encode(ByteBuf out) {
    CopyFormats.encode(out, TYPE, overallFormat, columnFormats);
  }
}
