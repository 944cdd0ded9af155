package io.hoop.broker.ops;

import static java.util.Objects.requireNonNull;

import io.hoop.broker.http.PortUnificationHandler;
import io.hoop.broker.http.Router;
import io.hoop.tunnel.transport.Transports;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.Executor;

/**
 * The plain-HTTP diagnostics listener ({@code diagnostics.listen}, e.g. {@code 127.0.0.1:9464}):
 * {@code /metrics}, {@code /healthz} and {@code /readyz} only, for a Prometheus scraper or a probe
 * that does not speak the broker's pinned TLS. Like Teleport's {@code --diag-addr}: bind it to
 * loopback or a private interface; it serves nothing a user could use.
 */
public final class DiagnosticsServer implements AutoCloseable {
  private final Channel channel;

  private DiagnosticsServer(Channel channel) {
    this.channel = channel;
  }

  /**
   * Binds {@code listen} (host:port, port 0 picks one) on the broker's event loops.
   *
   * @throws IOException naming the address when it cannot be bound
   */
  public static DiagnosticsServer start(
      String listen,
      OpsRoutes routes,
      EventLoopGroup boss,
      EventLoopGroup workers,
      Executor blocking)
      throws IOException, InterruptedException {
    requireNonNull(listen, "listen");
    Router router = routes.registerAll(new Router());
    int colon = listen.lastIndexOf(':');
    String host = listen.substring(0, colon).replace("[", "").replace("]", "");
    int port = Integer.parseInt(listen.substring(colon + 1));
    String base = "http://" + listen;
    var f =
        new ServerBootstrap()
            .group(boss, workers)
            .channel(Transports.serverChannelClass())
            .option(ChannelOption.SO_BACKLOG, 128)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    PortUnificationHandler.addHttp(ch.pipeline(), () -> router, blocking, base);
                  }
                })
            .bind(host, port)
            .await();
    if (!f.isSuccess()) {
      throw new IOException(
          "cannot listen on diagnostics.listen " + listen + ": " + f.cause().getMessage(),
          f.cause());
    }
    return new DiagnosticsServer(f.channel());
  }

  /** The bound port. */
  public int port() {
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }

  @Override
  public void close() {
    channel.close().awaitUninterruptibly();
  }
}
