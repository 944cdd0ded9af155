package io.hoop.tunnel.internal;

import io.hoop.api.Json;
import io.hoop.tunnel.protocol.CloseNotice;
import io.hoop.tunnel.protocol.Handshake;
import io.hoop.tunnel.protocol.HandshakeReply;
import io.hoop.tunnel.protocol.TunnelProtocol;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.EncoderException;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.util.List;

/**
 * Encodes everything either end writes on the TLS side: the handshake (with magic), the reply, DATA
 * frames from raw {@code ByteBuf}s (split at {@link TunnelProtocol#MAX_FRAME_BYTES}), EOF, CLOSE
 * and PING.
 */
public final class TunnelEncoder extends MessageToMessageEncoder<Object> {
  private static final int HEADER_BYTES = 5;

  @Override
  public boolean acceptOutboundMessage(Object msg) {
    return msg instanceof ByteBuf
        || msg instanceof Frames.Eof
        || msg instanceof Frames.Ping
        || msg instanceof CloseNotice
        || msg instanceof Handshake
        || msg instanceof HandshakeReply;
  }

  @Override
  protected void encode(ChannelHandlerContext ctx, Object msg, List<Object> out) {
    if (msg instanceof ByteBuf data) {
      encodeData(ctx, data, out);
    } else if (msg instanceof Frames.Eof) {
      out.add(header(ctx, TunnelProtocol.FRAME_EOF, 0));
    } else if (msg instanceof Frames.Ping) {
      out.add(header(ctx, TunnelProtocol.FRAME_PING, 0));
    } else if (msg instanceof CloseNotice notice) {
      byte[] json = json(notice);
      out.add(header(ctx, TunnelProtocol.FRAME_CLOSE, json.length).writeBytes(json));
    } else if (msg instanceof Handshake handshake) {
      byte[] json = json(handshake);
      ByteBuf buf = ctx.alloc().buffer(TunnelProtocol.MAGIC.length + 4 + json.length);
      out.add(buf.writeBytes(TunnelProtocol.MAGIC).writeInt(json.length).writeBytes(json));
    } else if (msg instanceof HandshakeReply reply) {
      byte[] json = json(reply);
      out.add(ctx.alloc().buffer(4 + json.length).writeInt(json.length).writeBytes(json));
    }
  }

  private static void encodeData(ChannelHandlerContext ctx, ByteBuf data, List<Object> out) {
    if (!data.isReadable()) {
      // Empty writes are flush markers (see Frames.closeOnFlush), not empty DATA frames.
      out.add(data.retain());
      return;
    }
    while (data.isReadable()) {
      int length = Math.min(data.readableBytes(), TunnelProtocol.MAX_FRAME_BYTES);
      out.add(header(ctx, TunnelProtocol.FRAME_DATA, length));
      out.add(data.readRetainedSlice(length));
    }
  }

  private static ByteBuf header(ChannelHandlerContext ctx, byte type, int length) {
    return ctx.alloc()
        .buffer(HEADER_BYTES + (type == TunnelProtocol.FRAME_DATA ? 0 : length))
        .writeByte(type)
        .writeInt(length);
  }

  private static byte[] json(Object value) {
    try {
      return Json.mapper().writeValueAsBytes(value);
    } catch (Exception e) {
      throw new EncoderException("cannot encode " + value.getClass().getSimpleName(), e);
    }
  }
}
