package io.hoop.tunnel.client;

import io.hoop.api.ApiError;
import io.hoop.tunnel.protocol.CloseNotice;
import io.hoop.tunnel.protocol.HandshakeReply;
import io.hoop.tunnel.transport.Transports;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.DuplexChannelConfig;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The CLI end of tunnels: listens on a local port or Unix socket and relays every accepted
 * connection over its own TLS connection to the broker.
 */
public final class TunnelClient implements AutoCloseable {
  /**
   * Per-connection events, called on an event loop: implementations must not block. Every method
   * defaults to doing nothing.
   */
  public interface Listener {
    /** The broker accepted a connection's handshake; bytes flow from now on. */
    default void opened(HandshakeReply reply) {}

    /** The broker refused a connection's handshake; the local socket has been closed. */
    default void refused(ApiError error) {}

    /**
     * A relayed connection ended.
     *
     * @param notice the broker's CLOSE notice (e.g. {@code grant_expired}), or null when either
     *     side simply disconnected
     * @param bytesUp bytes sent from the local connection to the target
     * @param bytesDown bytes received from the target
     */
    default void closed(CloseNotice notice, long bytesUp, long bytesDown) {}

    /**
     * The broker could not be reached or the TLS handshake failed (for example a fingerprint
     * mismatch, whose message explains what to do), or a Unix socket connection from another user
     * was refused.
     *
     * @param message one line for the user
     * @param cause the underlying error, may be null
     */
    default void failed(String message, Throwable cause) {}
  }

  private final EventLoopGroup group;
  private final Channel server;
  private final ChannelGroup connections;
  private final Path socket;

  private TunnelClient(
      EventLoopGroup group, Channel server, ChannelGroup connections, Path socket) {
    this.group = group;
    this.server = server;
    this.connections = connections;
    this.socket = socket;
  }

  /**
   * Starts listening on {@code bindHost:localPort}, or on the Unix socket file when the config
   * names one.
   *
   * <p>A Unix socket file is made mode 0600 right after binding. With native epoll every accepted
   * connection is also checked against the peer's credentials and closed unless its uid is this
   * process's uid. Without epoll (macOS, or epoll unavailable) NIO cannot read peer credentials, so
   * only the file system guards the socket: its directory must be private to the user.
   *
   * @throws BindException if the local address cannot be bound, e.g. the port is taken, the socket
   *     path is too long or another process listens on it
   */
  public static TunnelClient start(TunnelClientConfig config) throws BindException {
    Objects.requireNonNull(config, "config");
    Path socket = config.unixSocket();
    if (socket != null) {
      UnixSockets.requireShortEnough(socket);
      UnixSockets.clearStale(socket);
    }
    int ownUid = socket != null && Transports.epoll() ? ownUid(socket) : -1;
    EventLoopGroup group = Transports.newGroup(0, "hoop-tunnel");
    BrokerEndpoints endpoints =
        new BrokerEndpoints(config.brokerHost(), config.brokerPort(), config.fallbacks());
    ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    ServerBootstrap bootstrap =
        new ServerBootstrap()
            .group(group)
            .childOption(ChannelOption.AUTO_READ, false)
            .childHandler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    connections.add(ch);
                    if (ownUid >= 0 && !peerAllowed(ch, ownUid, config)) {
                      return;
                    }
                    if (ch.config() instanceof DuplexChannelConfig duplex) {
                      // Set here, not as a child option: NIO domain channels reject it as one.
                      duplex.setAllowHalfClosure(true);
                    }
                    ch.pipeline()
                        .addLast("hoop-connection", new ClientConnection(config, endpoints));
                  }
                });
    if (socket == null) {
      bootstrap
          .channel(Transports.serverChannelClass())
          .childOption(ChannelOption.TCP_NODELAY, true);
    } else {
      // No TCP options: domain channels do not know them and netty would warn for each.
      bootstrap.channel(Transports.serverDomainChannelClass());
    }
    ChannelFuture bind =
        (socket == null
                ? bootstrap.bind(config.bindHost(), config.localPort())
                : bootstrap.bind(Transports.domainSocketAddress(socket)))
            .awaitUninterruptibly();
    if (!bind.isSuccess()) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      BindException error =
          new BindException(
              "cannot listen on "
                  + (socket == null ? config.bindHost() + ":" + config.localPort() : socket)
                  + ": "
                  + (bind.cause() == null ? "bind failed" : bind.cause().getMessage())
                  + (socket == null
                      ? "; the port may be in use, choose another or use 0 for a free port"
                      : "; check that the directory exists and is writable"));
      error.initCause(bind.cause());
      throw error;
    }
    TunnelClient client = new TunnelClient(group, bind.channel(), connections, socket);
    if (socket != null) {
      try {
        UnixSockets.restrictToOwner(socket);
      } catch (BindException e) {
        client.close();
        throw e;
      }
    }
    return client;
  }

  private static int ownUid(Path socket) throws BindException {
    try {
      return UnixSockets.processUid();
    } catch (IOException | RuntimeException e) {
      BindException error =
          new BindException(
              "cannot tell this process's uid to check who connects to "
                  + socket
                  + ": "
                  + e.getMessage());
      error.initCause(e);
      throw error;
    }
  }

  /**
   * Closes a domain connection from another user at once and says so; true when it may stay. Only
   * called when the peer check is on, so a channel whose credentials cannot be read is refused.
   */
  private static boolean peerAllowed(Channel ch, int ownUid, TunnelClientConfig config) {
    String refusal;
    if (!(ch instanceof EpollDomainSocketChannel domain)) {
      refusal =
          "refused a connection on "
              + config.unixSocket()
              + ": its channel ("
              + ch.getClass().getSimpleName()
              + ") cannot tell who connected";
    } else {
      refusal = refusalOf(domain, ownUid, config);
    }
    if (refusal == null) {
      return true;
    }
    ch.close();
    try {
      config.listener().failed(refusal, null);
    } catch (RuntimeException e) {
      // The connection is closed either way; a failing listener must not keep it.
    }
    return false;
  }

  private static String refusalOf(
      EpollDomainSocketChannel domain, int ownUid, TunnelClientConfig config) {
    String refusal;
    try {
      refusal =
          UnixSockets.peerRefusal(domain.peerCredentials().uid(), ownUid, config.unixSocket());
    } catch (IOException e) {
      refusal =
          "refused a connection on "
              + config.unixSocket()
              + ": cannot read the peer's credentials: "
              + e.getMessage();
    }
    return refusal;
  }

  /**
   * The address the local listener is bound to (with the chosen port when 0 was asked).
   *
   * @throws IllegalStateException when listening on a Unix socket: see {@link #socketPath()}
   */
  public InetSocketAddress localAddress() {
    if (socket != null) {
      throw new IllegalStateException(
          "tunnel listens on unix socket " + socket + ", not on a TCP port; use socketPath()");
    }
    return (InetSocketAddress) server.localAddress();
  }

  /** The Unix socket file listened on, or empty when listening on TCP. */
  public Optional<Path> socketPath() {
    return Optional.ofNullable(socket);
  }

  /** Local connections currently open (being set up or relaying). */
  public int activeConnections() {
    return connections.size();
  }

  /**
   * Stops listening, closes every connection and stops the event loops. Must not be called from one
   * of this client's event loops.
   */
  @Override
  public void close() {
    server.close().awaitUninterruptibly();
    connections.close().awaitUninterruptibly();
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
    if (socket != null) {
      try {
        // Netty removes it when the server channel closes; this covers a close that failed.
        Files.deleteIfExists(socket);
      } catch (IOException e) {
        // Nothing listens any more: a leftover file is stale and the next bind replaces it.
      }
    }
  }
}
