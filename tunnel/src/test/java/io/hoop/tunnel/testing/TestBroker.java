package io.hoop.tunnel.testing;

import io.hoop.tunnel.server.TunnelServer;
import io.hoop.tunnel.tls.Tls;
import io.hoop.tunnel.transport.Transports;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.ssl.SslContext;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real TLS netty server standing in for the broker: a tiny port-unification handler hands
 * connections that start with "HOOP" to a {@link TunnelServer}, anything else gets an HTTP 400.
 */
public final class TestBroker implements AutoCloseable {
  private final EventLoopGroup group = Transports.newGroup(2, "test-broker");
  private final Channel channel;

  /**
   * @param unify false to skip the magic check and hand every connection to the tunnel server, so
   *     its own magic check can be exercised
   */
  public TestBroker(TestCerts certs, TunnelServer tunnels, boolean unify) {
    SslContext tls = Tls.server(certs.certPem(), certs.keyPem());
    channel =
        new ServerBootstrap()
            .group(group)
            .channel(Transports.serverChannelClass())
            // As the real broker: a peer's FIN is an event, not a close.
            .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
            .childHandler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    ch.pipeline().addLast("tls", tls.newHandler(ch.alloc()));
                    if (unify) {
                      ch.pipeline().addLast("unify", new Unifier(tunnels));
                    } else {
                      tunnels.configure(ch.pipeline());
                    }
                  }
                })
            .bind(InetAddress.getLoopbackAddress(), 0)
            .syncUninterruptibly()
            .channel();
  }

  public int port() {
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private static final class Unifier extends ByteToMessageDecoder {
    private static final ByteBuf MAGIC =
        Unpooled.unreleasableBuffer(
            Unpooled.wrappedBuffer("HOOP".getBytes(StandardCharsets.US_ASCII)));
    private final TunnelServer tunnels;

    Unifier(TunnelServer tunnels) {
      this.tunnels = tunnels;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      // Failed TLS handshakes are expected in trust tests; the broker would log and close too.
      ctx.close();
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
      if (in.readableBytes() < 4) {
        return;
      }
      if (ByteBufUtil.equals(in, in.readerIndex(), MAGIC, 0, 4)) {
        tunnels.configure(ctx.pipeline());
        ctx.pipeline().remove(this);
      } else {
        in.skipBytes(in.readableBytes());
        ctx.writeAndFlush(
                Unpooled.copiedBuffer(
                    "HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n",
                    StandardCharsets.US_ASCII))
            .addListener(ChannelFutureListener.CLOSE);
      }
    }
  }
}
