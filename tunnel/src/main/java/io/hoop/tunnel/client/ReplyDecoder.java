package io.hoop.tunnel.client;

import io.hoop.api.Json;
import io.hoop.tunnel.internal.FrameDecoder;
import io.hoop.tunnel.internal.Frames;
import io.hoop.tunnel.protocol.HandshakeReply;
import io.hoop.tunnel.protocol.TunnelProtocol;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.io.InputStream;
import java.util.List;

/**
 * Decodes the broker's length-prefixed {@link HandshakeReply}, then hands the stream to a {@link
 * FrameDecoder}. Broken replies are reported as {@link Frames.Malformed}.
 */
final class ReplyDecoder extends ByteToMessageDecoder {
  private enum State {
    LENGTH,
    BODY,
    FAILED
  }

  private State state = State.LENGTH;
  private int bodyLength;

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    while (true) {
      switch (state) {
        case LENGTH -> {
          if (in.readableBytes() < 4) {
            return;
          }
          long length = in.readUnsignedInt();
          if (length == 0 || length > TunnelProtocol.MAX_HANDSHAKE_BYTES) {
            fail(
                in,
                out,
                "handshake reply length "
                    + length
                    + " is invalid: expected 1.."
                    + TunnelProtocol.MAX_HANDSHAKE_BYTES
                    + "; is this a hoop broker?");
            return;
          }
          bodyLength = (int) length;
          state = State.BODY;
        }
        case BODY -> {
          if (in.readableBytes() < bodyLength) {
            return;
          }
          HandshakeReply reply;
          try (InputStream body = new ByteBufInputStream(in.readSlice(bodyLength))) {
            reply = Json.mapper().readValue(body, HandshakeReply.class);
          } catch (Exception e) {
            fail(in, out, "handshake reply is not valid JSON: " + e.getClass().getSimpleName());
            return;
          }
          if (reply == null || (!reply.ok() && reply.error() == null)) {
            fail(in, out, "handshake reply refuses the tunnel without an error");
            return;
          }
          out.add(reply);
          ctx.pipeline().replace(this, "hoop-frames", new FrameDecoder());
          return;
        }
        case FAILED -> {
          in.skipBytes(in.readableBytes());
          return;
        }
      }
    }
  }

  private void fail(ByteBuf in, List<Object> out, String message) {
    state = State.FAILED;
    in.skipBytes(in.readableBytes());
    out.add(new Frames.Malformed(message));
  }
}
