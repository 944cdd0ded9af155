package io.hoop.engine.postgres.message.backend;

import io.netty.buffer.ByteBuf;
import java.util.List;

/**
 * CopyInResponse ('G'): the server is ready for COPY FROM STDIN data; format 0 is text, 1 binary.
 */
public record CopyInResponse(byte overallFormat, List<Short> columnFormats)
    implements BackendMessage {
  public static final byte TYPE = 'G';

  public CopyInResponse {
    columnFormats = List.copyOf(columnFormats);
  }

  /** Decodes the body of a CopyInResponse message. */
  public static CopyInResponse decode(ByteBuf body) {
    byte format = body.readByte();
    return new CopyInResponse(format, CopyFormats.decode(body, "CopyInResponse"));
  }

  @Override
  public void encode(ByteBuf out) {
    CopyFormats.encode(out, TYPE, overallFormat, columnFormats);
  }
}
