package io.hoop.engine.postgres.codec;

import io.hoop.engine.postgres.message.PostgresMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;

/** Test helpers: encode messages to bytes and run bytes through a decoder. */
public final class Wires {
  private Wires() {}

  public static byte[] bytes(PostgresMessage... messages) {
    ByteBuf buf = Unpooled.buffer();
    try {
      for (PostgresMessage m : messages) {
        m.encode(buf);
      }
      return ByteBufUtil.getBytes(buf);
    } finally {
      buf.release();
    }
  }

  /** Feeds {@code wire} in chunks of {@code chunk} bytes and returns everything decoded. */
  public static List<Object> decode(ChannelHandler decoder, byte[] wire, int chunk) {
    EmbeddedChannel channel = new EmbeddedChannel(decoder);
    for (int i = 0; i < wire.length; i += chunk) {
      channel.writeInbound(Unpooled.wrappedBuffer(wire, i, Math.min(chunk, wire.length - i)));
    }
    List<Object> out = new ArrayList<>();
    for (Object m; (m = channel.readInbound()) != null; ) {
      out.add(m);
    }
    channel.finishAndReleaseAll();
    return out;
  }
}
