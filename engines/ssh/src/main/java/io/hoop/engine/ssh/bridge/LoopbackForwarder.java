package io.hoop.engine.ssh.bridge;

import io.hoop.tunnel.engine.TargetConnector;
import io.hoop.tunnel.transport.Transports;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets apache-sshd's client, which dials with its own sockets, reach a target through a {@link
 * TargetConnector} that is not plain TCP (the agent the target sits behind). The client connects to
 * this loopback port; once its connect completes, the bridge claims the connection by the client
 * socket's local address, and the forwarder splices it onto the connector's channel.
 *
 * <p>A connection nobody claims within {@link #CLAIM_TIMEOUT} is closed without a byte read: a
 * local process that connects here reaches nothing (its address is not a socket of this bridge; two
 * live connections to this port never share a source address). Everything runs on one event loop,
 * so the accepted and claimed sides meet without locks.
 */
final class LoopbackForwarder implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LoopbackForwarder.class);

  /** How long an accepted connection waits for its claim, and a claim for its connection. */
  static final Duration CLAIM_TIMEOUT = Duration.ofSeconds(5);

  private final EventLoopGroup group = Transports.newGroup(1, "hoop-ssh-forward");
  private final EventLoop loop = group.next();
  private final Channel server;
  private final Map<SocketAddress, Channel> accepted = new HashMap<>();
  private final Map<SocketAddress, Claim> claims = new HashMap<>();

  private record Claim(TargetConnector connector, InetSocketAddress target, Promise<Void> done) {}

  LoopbackForwarder() {
    try {
      server =
          new ServerBootstrap()
              .group(group)
              .channel(Transports.serverChannelClass())
              .childOption(ChannelOption.AUTO_READ, false)
              .childOption(ChannelOption.TCP_NODELAY, true)
              .childHandler(
                  new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                      accepted(ch);
                    }
                  })
              .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
              .syncUninterruptibly()
              .channel();
    } catch (RuntimeException e) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      throw e;
    }
  }

  /** Where the client connects to. */
  InetSocketAddress address() {
    return (InetSocketAddress) server.localAddress();
  }

  /**
   * Splices the connection that comes from {@code clientLocal} (the client socket's own address)
   * onto a channel of {@code connector} to {@code target}.
   *
   * @return done when both are joined; failed with why (the connector's refusal, or no connection)
   */
  Future<Void> claim(
      SocketAddress clientLocal, TargetConnector connector, InetSocketAddress target) {
    Promise<Void> done = loop.newPromise();
    loop.execute(
        () -> {
          Claim claim = new Claim(connector, target, done);
          Channel ch = accepted.remove(clientLocal);
          if (ch != null) {
            splice(ch, claim);
            return;
          }
          claims.put(clientLocal, claim);
          loop.schedule(
              () -> {
                if (claims.remove(clientLocal, claim)) {
                  done.tryFailure(
                      new java.io.IOException(
                          "the bridge's own connection did not arrive within "
                              + CLAIM_TIMEOUT.toSeconds()
                              + " s"));
                }
              },
              CLAIM_TIMEOUT.toMillis(),
              TimeUnit.MILLISECONDS);
        });
    return done;
  }

  private void accepted(Channel ch) {
    SocketAddress from = ch.remoteAddress();
    Claim claim = claims.remove(from);
    if (claim != null) {
      splice(ch, claim);
      return;
    }
    accepted.put(from, ch);
    loop.schedule(
        () -> {
          if (accepted.remove(from, ch)) {
            log.info("ssh forwarder closed a connection nobody claimed from={}", from);
            ch.close();
          }
        },
        CLAIM_TIMEOUT.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  private void splice(Channel local, Claim claim) {
    claim
        .connector()
        .connect(loop, claim.target())
        .addListener(
            (Future<Channel> f) -> {
              if (!f.isSuccess()) {
                // the bridge hears why before the client sees its connection end
                claim.done().tryFailure(f.cause());
                local.close();
                return;
              }
              Channel remote = f.getNow();
              if (!local.isActive()) {
                remote.close();
                claim.done().tryFailure(new java.io.IOException("the bridge's connection closed"));
                return;
              }
              local.pipeline().addLast(new Pipe(remote));
              remote.pipeline().addLast(new Pipe(local));
              local.read();
              remote.read();
              claim.done().trySuccess(null);
            });
  }

  /** Bytes from one channel to the other, read again only while the other is writable. */
  private static final class Pipe extends ChannelInboundHandlerAdapter {
    private final Channel to;

    Pipe(Channel to) {
      this.to = to;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      to.write(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      to.flush();
      if (to.isWritable()) {
        ctx.channel().read();
      }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      // this channel drained: the other side may be read again
      if (ctx.channel().isWritable()) {
        to.read();
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      to.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      log.debug("ssh forwarder connection failed", cause);
      ctx.close();
    }
  }

  @Override
  public void close() {
    server.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }
}
