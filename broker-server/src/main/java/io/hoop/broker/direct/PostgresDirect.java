package io.hoop.broker.direct;

import static java.util.Objects.requireNonNull;

import io.hoop.tunnel.server.TunnelParty;
import io.hoop.tunnel.server.TunnelServer;
import io.hoop.tunnel.transport.Transports;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.AttributeKey;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's PostgreSQL port for direct access ({@code postgres.directListen}): clients that
 * cannot run hoop connect here with TLS (the broker's certificate) and a grant-bound password, and
 * their session runs through the same postgres engine as a tunnel's. Off unless configured.
 */
public final class PostgresDirect implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PostgresDirect.class);

  /** How long a client has from connecting to a started session. */
  static final Duration LOGIN_TIMEOUT = Duration.ofSeconds(15);

  private static final AttributeKey<Boolean> STARTED =
      AttributeKey.valueOf("hoop.postgres.direct.started");

  private final SslContext ssl;
  private final DirectCredentials credentials;
  private final DirectAuthorizer authorizer;
  private final TunnelServer tunnels;
  private final Executor executor;
  private final Channel channel;

  private PostgresDirect(
      SslContext ssl,
      DirectCredentials credentials,
      DirectAuthorizer authorizer,
      TunnelServer tunnels,
      Executor executor,
      EventLoopGroup boss,
      EventLoopGroup workers,
      String host,
      int port)
      throws IOException, InterruptedException {
    this.ssl = ssl;
    this.credentials = credentials;
    this.authorizer = authorizer;
    this.tunnels = tunnels;
    this.executor = executor;
    ServerBootstrap b =
        new ServerBootstrap()
            .group(boss, workers)
            .channel(Transports.serverChannelClass())
            .option(ChannelOption.SO_BACKLOG, 1024)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childOption(ChannelOption.SO_KEEPALIVE, true)
            .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline()
                        .addLast(
                            "pg-direct-negotiation", new DirectNegotiation(PostgresDirect.this));
                    ch.eventLoop()
                        .schedule(
                            () -> {
                              if (ch.isActive() && ch.attr(STARTED).get() == null) {
                                log.info(
                                    "postgres direct login timed out remote={}",
                                    ch.remoteAddress());
                                ch.close();
                              }
                            },
                            LOGIN_TIMEOUT.toMillis(),
                            TimeUnit.MILLISECONDS);
                  }
                });
    var f = b.bind(host, port).await();
    if (!f.isSuccess()) {
      throw new IOException(
          "cannot listen on postgres.directListen "
              + host
              + ":"
              + port
              + ": "
              + f.cause().getMessage(),
          f.cause());
    }
    this.channel = f.channel();
    log.info("postgres direct access listening address={}", channel.localAddress());
  }

  /**
   * Listens on {@code listen} (host:port; port 0 picks one) with the broker's certificate.
   *
   * @param certPem the broker's certificate (the one its HTTPS API serves)
   * @param keyPem its private key
   */
  public static PostgresDirect start(
      String listen,
      Path certPem,
      Path keyPem,
      DirectCredentials credentials,
      DirectAuthorizer authorizer,
      TunnelServer tunnels,
      Executor executor,
      EventLoopGroup boss,
      EventLoopGroup workers)
      throws IOException, InterruptedException {
    int colon = listen.lastIndexOf(':');
    String host = listen.substring(0, colon).replace("[", "").replace("]", "");
    int port = Integer.parseInt(listen.substring(colon + 1));
    return new PostgresDirect(
        sslContext(certPem, keyPem),
        requireNonNull(credentials, "credentials"),
        requireNonNull(authorizer, "authorizer"),
        requireNonNull(tunnels, "tunnels"),
        requireNonNull(executor, "executor"),
        boss,
        workers,
        host,
        port);
  }

  /** TLS 1.2+ with ALPN {@code postgresql}, which PostgreSQL 17 clients ask for. */
  static SslContext sslContext(Path certPem, Path keyPem) {
    try {
      return SslContextBuilder.forServer(certPem.toFile(), keyPem.toFile())
          .protocols("TLSv1.3", "TLSv1.2")
          .applicationProtocolConfig(
              new ApplicationProtocolConfig(
                  ApplicationProtocolConfig.Protocol.ALPN,
                  ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                  ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                  "postgresql"))
          .build();
    } catch (SSLException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "cannot use TLS certificate "
              + certPem
              + " for postgres direct access: "
              + e.getMessage(),
          e);
    }
  }

  /** The bound port. */
  public int port() {
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }

  /** The grant-bound credentials. */
  public DirectCredentials credentials() {
    return credentials;
  }

  SslContext ssl() {
    return ssl;
  }

  DirectAuthorizer authorizer() {
    return authorizer;
  }

  TunnelServer tunnels() {
    return tunnels;
  }

  Executor executor() {
    return executor;
  }

  /** Marks a connection whose session started: the login timeout no longer applies. */
  static void started(Channel ch) {
    ch.attr(STARTED).set(Boolean.TRUE);
  }

  /** Audits and logs a refused direct connection. */
  void refused(Channel ch, String code, String message, TunnelParty party) {
    log.info(
        "postgres direct refused remote={} code={} message=\"{}\"",
        ch.remoteAddress(),
        code,
        message);
    tunnels.rejectDirect(
        ch.remoteAddress(), code, message, party == null ? TunnelParty.UNKNOWN : party);
  }

  @Override
  public void close() {
    channel.close().awaitUninterruptibly();
  }
}
