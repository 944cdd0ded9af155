package io.hoop.engine.kubernetes.exec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.spdy.DefaultSpdyDataFrame;
import io.netty.handler.codec.spdy.DefaultSpdySynStreamFrame;
import io.netty.handler.codec.spdy.SpdyFrameCodec;
import io.netty.handler.codec.spdy.SpdyVersion;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Real SPDY/3.1 bytes for tests, written by netty's codec (one zlib stream per writer, as one side
 * of a connection has).
 */
final class SpdyFrames {
  private final EmbeddedChannel channel =
      new EmbeddedChannel(new SpdyFrameCodec(SpdyVersion.SPDY_3_1));
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  SpdyFrames syn(int id, String... headers) {
    DefaultSpdySynStreamFrame f = new DefaultSpdySynStreamFrame(id, 0, (byte) 0);
    for (int i = 0; i + 1 < headers.length; i += 2) {
      f.headers().add(headers[i], headers[i + 1]);
    }
    return write(f);
  }

  SpdyFrames data(int id, String text, boolean fin) {
    DefaultSpdyDataFrame f =
        new DefaultSpdyDataFrame(id, Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
    f.setLast(fin);
    return write(f);
  }

  SpdyFrames raw(byte... bytes) {
    out.writeBytes(bytes);
    return this;
  }

  private SpdyFrames write(Object frame) {
    channel.writeOutbound(frame);
    for (ByteBuf b; (b = channel.readOutbound()) != null; ) {
      byte[] bytes = new byte[b.readableBytes()];
      b.readBytes(bytes);
      b.release();
      out.writeBytes(bytes);
    }
    return this;
  }

  byte[] bytes() {
    return out.toByteArray();
  }
}
