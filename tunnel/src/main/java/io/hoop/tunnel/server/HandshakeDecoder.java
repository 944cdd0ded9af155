package io.hoop.tunnel.server;

import io.hoop.api.Json;
import io.hoop.tunnel.internal.FrameDecoder;
import io.hoop.tunnel.protocol.Handshake;
import io.hoop.tunnel.protocol.TunnelProtocol;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.io.InputStream;
import java.util.List;

/**
 * Decodes magic, length and JSON body of a client handshake, then hands the stream to a {@link
 * FrameDecoder}. Failures are reported as {@link Failure} messages, never thrown, and the declared
 * length is checked before any of the body is buffered.
 */
final class HandshakeDecoder extends ByteToMessageDecoder {
  /** A handshake that cannot be accepted, with the error code and message to send back. */
  record Failure(String code, String message) {}

  private enum State {
    MAGIC,
    LENGTH,
    BODY,
    FAILED
  }

  private State state = State.MAGIC;
  private int bodyLength;

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    while (true) {
      switch (state) {
        case MAGIC -> {
          if (in.readableBytes() < TunnelProtocol.MAGIC.length) {
            return;
          }
          ByteBuf magic = in.readSlice(TunnelProtocol.MAGIC.length);
          if (!isMagic(magic)) {
            fail(
                in,
                out,
                "bad_handshake",
                "expected the tunnel magic \"HOOP\" (48:4F:4F:50) but the connection started with "
                    + ByteBufUtil.hexDump(magic));
            return;
          }
          state = State.LENGTH;
        }
        case LENGTH -> {
          if (in.readableBytes() < 4) {
            return;
          }
          long length = in.readUnsignedInt();
          if (length == 0) {
            fail(
                in,
                out,
                "bad_handshake",
                "handshake length 0 is invalid: expected 1.."
                    + TunnelProtocol.MAX_HANDSHAKE_BYTES
                    + " bytes of JSON");
            return;
          }
          if (length > TunnelProtocol.MAX_HANDSHAKE_BYTES) {
            fail(
                in,
                out,
                "handshake_too_large",
                "handshake length "
                    + length
                    + " exceeds the maximum of "
                    + TunnelProtocol.MAX_HANDSHAKE_BYTES
                    + " bytes");
            return;
          }
          bodyLength = (int) length;
          state = State.BODY;
        }
        case BODY -> {
          if (in.readableBytes() < bodyLength) {
            return;
          }
          ByteBuf body = in.readSlice(bodyLength);
          Object result = parse(body);
          if (result instanceof Failure failure) {
            fail(in, out, failure.code(), failure.message());
            return;
          }
          out.add(result);
          // Anything after the handshake is framed; the replacement receives the leftover bytes.
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

  private static Object parse(ByteBuf body) {
    Handshake handshake;
    try (InputStream stream = new ByteBufInputStream(body)) {
      handshake = Json.mapper().readValue(stream, Handshake.class);
    } catch (Exception e) {
      // The parser's message may quote the body, which carries tokens: say only what was wrong.
      return new Failure(
          "bad_handshake", "handshake body is not a JSON object with grantToken and sessionToken");
    }
    if (handshake == null || isBlank(handshake.grantToken())) {
      return new Failure("bad_handshake", "handshake is missing grantToken");
    }
    if (isBlank(handshake.sessionToken())) {
      return new Failure("bad_handshake", "handshake is missing sessionToken");
    }
    return handshake;
  }

  private static boolean isMagic(ByteBuf magic) {
    for (int i = 0; i < TunnelProtocol.MAGIC.length; i++) {
      if (magic.getByte(magic.readerIndex() + i) != TunnelProtocol.MAGIC[i]) {
        return false;
      }
    }
    return true;
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }

  private void fail(ByteBuf in, List<Object> out, String code, String message) {
    state = State.FAILED;
    in.skipBytes(in.readableBytes());
    out.add(new Failure(code, message));
  }
}
