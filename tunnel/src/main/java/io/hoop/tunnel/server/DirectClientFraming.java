package io.hoop.tunnel.server;

import io.hoop.tunnel.internal.Frames;
import io.hoop.tunnel.protocol.CloseNotice;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;

/**
 * Stands in for the tunnel encoder on a direct client, which speaks its own protocol and no hoop
 * frames: a CLOSE notice is not sent (the engine's goodbye already said it in the client's
 * protocol) and the upstream's EOF closes the client once what came before it is written.
 */
final class DirectClientFraming extends ChannelOutboundHandlerAdapter {
  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof CloseNotice) {
      promise.setSuccess();
    } else if (msg == Frames.Eof.INSTANCE) {
      promise.setSuccess();
      ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    } else {
      ctx.write(msg, promise);
    }
  }
}
