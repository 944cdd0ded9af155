package io.hoop.tunnel.mux;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;

/** Writes {@link MuxFrame}s: the header, then the payload as it is (no copy of the payload). */
@ChannelHandler.Sharable
public final class MuxEncoder extends ChannelOutboundHandlerAdapter {
  /** The one instance (stateless). */
  public static final MuxEncoder INSTANCE = new MuxEncoder();

  private MuxEncoder() {}

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof MuxFrame frame) {
      ByteBuf header = frame.header(ctx.alloc());
      ByteBuf payload = frame.payload();
      if (payload.isReadable()) {
        ctx.write(ctx.alloc().compositeBuffer(2).addComponents(true, header, payload), promise);
      } else {
        payload.release();
        ctx.write(header, promise);
      }
    } else {
      ctx.write(msg, promise);
    }
  }
}
