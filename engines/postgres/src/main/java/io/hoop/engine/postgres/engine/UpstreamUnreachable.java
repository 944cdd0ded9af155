package io.hoop.engine.postgres.engine;

import static java.util.Objects.requireNonNull;

import io.hoop.engine.postgres.codec.FrontendDecoder;
import io.hoop.engine.postgres.message.backend.ErrorResponse;
import io.hoop.engine.postgres.message.frontend.GssEncRequest;
import io.hoop.engine.postgres.message.frontend.SslRequest;
import io.hoop.tunnel.protocol.CloseNotice;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Stands in for the postgres engine when the broker cannot reach the server: it answers the
 * client's startup with a FATAL naming the upstream and the reason, so psql prints why instead of
 * "server closed the connection unexpectedly", then closes the tunnel with {@code closeNotice}.
 */
public final class UpstreamUnreachable extends ChannelInboundHandlerAdapter {
  /** How long the client has to send its startup before the connection is closed. */
  private static final Duration SILENCE_LIMIT = Duration.ofSeconds(30);

  private final String message;
  private final CloseNotice closeNotice;
  private boolean answered;

  private UpstreamUnreachable(String message, CloseNotice closeNotice) {
    this.message = message;
    this.closeNotice = closeNotice;
  }

  /**
   * Replaces {@code handlerName} in the framed tunnel {@code pipeline}, whose inbound DATA is the
   * client's byte stream, and starts reading.
   *
   * @param message the FATAL's text, e.g. {@code hoop: cannot reach upstream db:5432 (connection
   *     refused)}
   * @param closeNotice written after the FATAL, before the channel closes (the tunnel's CLOSE)
   */
  public static void install(
      ChannelPipeline pipeline, String handlerName, String message, CloseNotice closeNotice) {
    UpstreamUnreachable handler =
        new UpstreamUnreachable(requireNonNull(message, "message"), closeNotice);
    pipeline.replace(handlerName, "pg-unreachable", handler);
    pipeline.addBefore("pg-unreachable", "pg-frontend-decoder", new FrontendDecoder());
    // A client that never starts up must not hold the connection: no grant deadline runs here.
    pipeline
        .channel()
        .eventLoop()
        .schedule(() -> pipeline.channel().close(), SILENCE_LIMIT.toSeconds(), TimeUnit.SECONDS);
    pipeline.channel().read();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (answered) {
        return;
      }
      if (msg instanceof SslRequest || msg instanceof GssEncRequest) {
        ByteBuf no = ctx.alloc().buffer(1).writeByte('N');
        ctx.writeAndFlush(no);
        ctx.channel().read();
        return;
      }
      if (msg instanceof ByteBuf) {
        ctx.channel().read();
        return;
      }
      // A StartupMessage, a CancelRequest, a decode failure or the client leaving: say why, end.
      answered = true;
      ByteBuf error = ctx.alloc().buffer();
      ErrorResponse.of("FATAL", "08006", message).encode(error);
      ctx.write(error);
      if (closeNotice != null) {
        ctx.write(closeNotice);
      }
      ctx.writeAndFlush(ctx.alloc().buffer(0)).addListener(ChannelFutureListener.CLOSE);
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    ctx.fireChannelReadComplete();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
