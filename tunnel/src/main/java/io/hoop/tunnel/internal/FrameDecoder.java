package io.hoop.tunnel.internal;

import io.hoop.api.Json;
import io.hoop.tunnel.protocol.CloseNotice;
import io.hoop.tunnel.protocol.TunnelProtocol;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Decodes frames after the handshake: DATA as a retained {@code ByteBuf}, {@link Frames.Eof},
 * {@link CloseNotice}, {@link Frames.Ping}. Unknown frame types are skipped so newer peers can add
 * them. Broken framing is reported once as {@link Frames.Malformed}, after which input is
 * discarded.
 */
public final class FrameDecoder extends ByteToMessageDecoder {
  private static final int HEADER_BYTES = 5;

  private enum State {
    HEADER,
    DATA,
    FAILED
  }

  private State state = State.HEADER;
  private int dataRemaining;

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    switch (state) {
      case HEADER -> decodeFrame(in, out);
      case DATA -> decodeData(in, out);
      case FAILED -> in.skipBytes(in.readableBytes());
    }
  }

  private void decodeFrame(ByteBuf in, List<Object> out) {
    if (in.readableBytes() < HEADER_BYTES) {
      return;
    }
    int start = in.readerIndex();
    byte type = in.getByte(start);
    long length = in.getUnsignedInt(start + 1);
    if (length > TunnelProtocol.MAX_FRAME_BYTES) {
      fail(
          in,
          out,
          "frame of type "
              + type
              + " declares "
              + length
              + " bytes, more than the maximum of "
              + TunnelProtocol.MAX_FRAME_BYTES);
      return;
    }
    if (type == TunnelProtocol.FRAME_PING && length != 0) {
      // Refused before any payload is buffered: a PING never carries one.
      fail(in, out, "PING frame declares " + length + " payload bytes, expected 0");
      return;
    }
    // DATA payloads stream out as they arrive (no waiting for, or copying into, a whole frame);
    // control frames are small and decoded whole.
    if (type != TunnelProtocol.FRAME_DATA && in.readableBytes() < HEADER_BYTES + length) {
      return;
    }
    in.skipBytes(HEADER_BYTES);
    int size = (int) length;
    switch (type) {
      case TunnelProtocol.FRAME_DATA -> {
        if (size > 0) {
          dataRemaining = size;
          state = State.DATA;
          decodeData(in, out);
        }
      }
      case TunnelProtocol.FRAME_EOF -> {
        in.skipBytes(size);
        out.add(Frames.Eof.INSTANCE);
      }
      case TunnelProtocol.FRAME_CLOSE -> {
        Object notice = closeNotice(in, size);
        if (notice instanceof Frames.Malformed malformed) {
          // Like broken framing: reported once, and nothing after it is decoded.
          fail(in, out, malformed.message());
          return;
        }
        out.add(notice);
      }
      case TunnelProtocol.FRAME_PING -> out.add(Frames.Ping.INSTANCE);
      default -> in.skipBytes(size);
    }
  }

  private void decodeData(ByteBuf in, List<Object> out) {
    int n = Math.min(dataRemaining, in.readableBytes());
    if (n == 0) {
      return;
    }
    out.add(in.readRetainedSlice(n));
    dataRemaining -= n;
    if (dataRemaining == 0) {
      state = State.HEADER;
    }
  }

  private static Object closeNotice(ByteBuf in, int size) {
    String json = in.readCharSequence(size, StandardCharsets.UTF_8).toString();
    try {
      CloseNotice notice = Json.mapper().readValue(json, CloseNotice.class);
      if (notice == null || notice.code() == null) {
        return new Frames.Malformed("CLOSE frame without a code");
      }
      return notice;
    } catch (Exception e) {
      return new Frames.Malformed("CLOSE frame payload is not a JSON close notice");
    }
  }

  private void fail(ByteBuf in, List<Object> out, String message) {
    state = State.FAILED;
    in.skipBytes(in.readableBytes());
    out.add(new Frames.Malformed(message));
  }
}
