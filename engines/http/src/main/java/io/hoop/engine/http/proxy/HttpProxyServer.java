package io.hoop.engine.http.proxy;

import static java.util.Objects.requireNonNull;

import io.hoop.engine.http.policy.RequestTarget;
import io.hoop.tunnel.transport.Transports;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The broker's in-process HTTP proxy: a loopback listener that the tunnel server dials for every
 * tunnel of an http target (the engine's {@code route}). A connection is served only when it comes
 * from a registered tunnel (its remote address is the tunnel's upstream channel's local address);
 * any other local connection is closed unread.
 */
public final class HttpProxyServer implements AutoCloseable {
  /** Largest request line: the longest accepted target plus method and version. */
  static final int MAX_LINE = RequestTarget.MAX_LENGTH + 64;

  /** Largest header block, larger is 431. */
  static final int MAX_HEADERS = 32 * 1024;

  private final EventLoopGroup group;
  private final Channel listener;
  private final Map<String, ProxyTunnel> tunnels = new ConcurrentHashMap<>();
  private final ExecutorService holds;

  private HttpProxyServer(EventLoopGroup group, Channel listener, ExecutorService holds) {
    this.group = group;
    this.listener = listener;
    this.holds = holds;
  }

  /** Starts the listener on an ephemeral loopback port with {@code threads} event loops. */
  public static HttpProxyServer start(int threads) {
    EventLoopGroup group = Transports.newGroup(threads, "hoop-http");
    AtomicInteger n = new AtomicInteger();
    ExecutorService holds =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "hoop-http-holds-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    HttpProxyServer[] self = new HttpProxyServer[1];
    ServerBootstrap bootstrap =
        new ServerBootstrap()
            .group(group)
            .channel(Transports.serverChannelClass())
            .childOption(ChannelOption.AUTO_READ, false)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childOption(
                ChannelOption.WRITE_BUFFER_WATER_MARK,
                new WriteBufferWaterMark(64 * 1024, 256 * 1024))
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline()
                        .addLast(
                            ProxyConnection.CODEC,
                            new HttpServerCodec(
                                new HttpDecoderConfig()
                                    .setStrictLineParsing(true)
                                    .setMaxInitialLineLength(MAX_LINE)
                                    .setMaxHeaderSize(MAX_HEADERS)
                                    .setMaxChunkSize(64 * 1024)));
                    ch.pipeline().addLast("hoop-http-proxy", new ProxyConnection(self[0]));
                  }
                });
    Channel listener;
    try {
      listener =
          bootstrap
              .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
              .sync()
              .channel();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
      throw new IllegalStateException("interrupted while starting the http proxy", e);
    }
    self[0] = new HttpProxyServer(group, listener, holds);
    return self[0];
  }

  /** Where the tunnel server dials. */
  public InetSocketAddress address() {
    return (InetSocketAddress) listener.localAddress();
  }

  /** Expects the connection from {@code peer} (the tunnel's upstream channel's local address). */
  public void register(SocketAddress peer, ProxyTunnel tunnel) {
    tunnels.put(key(peer), requireNonNull(tunnel, "tunnel"));
  }

  /** Forgets {@code peer}'s tunnel (the tunnel closed). */
  public void unregister(SocketAddress peer) {
    tunnels.remove(key(peer));
  }

  ProxyTunnel lookup(SocketAddress remote) {
    return remote == null ? null : tunnels.get(key(remote));
  }

  ExecutorService holdsExecutor() {
    return holds;
  }

  private static String key(SocketAddress address) {
    if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
      return inet.getAddress().getHostAddress() + "|" + inet.getPort();
    }
    return String.valueOf(address);
  }

  @Override
  public void close() {
    listener.close().syncUninterruptibly();
    holds.shutdownNow();
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
