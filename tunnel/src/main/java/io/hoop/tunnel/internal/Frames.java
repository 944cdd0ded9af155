package io.hoop.tunnel.internal;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;

/**
 * Decoded frame values other than DATA (which travels as a plain {@code ByteBuf}), plus channel
 * helpers shared by both ends.
 */
public final class Frames {
  private Frames() {}

  /** The EOF frame: the sender will send no more DATA. */
  public enum Eof {
    INSTANCE
  }

  /** The PING frame: the sender is alive. */
  public enum Ping {
    INSTANCE
  }

  /**
   * A decoder's report that the peer broke the framing; the connection cannot continue.
   *
   * @param message what was wrong, naming the offending value
   */
  public record Malformed(String message) {}

  /**
   * Closes {@code channel} once everything written before is on the wire. An empty buffer is used
   * as the marker because its write completes only after all earlier writes did.
   */
  public static void closeOnFlush(Channel channel) {
    if (channel.isActive()) {
      channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    } else {
      channel.close();
    }
  }
}
