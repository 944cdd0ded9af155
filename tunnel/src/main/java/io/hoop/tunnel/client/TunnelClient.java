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
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The CLI end of tunnels: listens on a local port and relays every accepted connection over its own
 * TLS connection to the broker.
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
     * mismatch, whose message explains what to do).
     *
     * @param message one line for the user
     * @param cause the underlying error, may be null
     */
    default void failed(String message, Throwable cause) {}
  }

  private final EventLoopGroup group;
  private final Channel server;
  private final ChannelGroup connections;

  private TunnelClient(EventLoopGroup group, Channel server, ChannelGroup connections) {
    this.group = group;
    this.server = server;
    this.connections = connections;
  }

  /**
   * Starts listening.
   *
   * @throws BindException if the local address cannot be bound, e.g. the port is taken
   */
  public static TunnelClient start(TunnelClientConfig config) throws BindException {
    Objects.requireNonNull(config, "config");
    EventLoopGroup group = Transports.newGroup(0, "hoop-tunnel");
    ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    ChannelFuture bind =
        new ServerBootstrap()
            .group(group)
            .channel(Transports.serverChannelClass())
            .childOption(ChannelOption.AUTO_READ, false)
            .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    connections.add(ch);
                    ch.pipeline().addLast("hoop-connection", new ClientConnection(config));
                  }
                })
            .bind(config.bindHost(), config.localPort())
            .awaitUninterruptibly();
    if (!bind.isSuccess()) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      BindException error =
          new BindException(
              "cannot listen on "
                  + config.bindHost()
                  + ":"
                  + config.localPort()
                  + ": "
                  + (bind.cause() == null ? "bind failed" : bind.cause().getMessage())
                  + "; the port may be in use, choose another or use 0 for a free port");
      error.initCause(bind.cause());
      throw error;
    }
    return new TunnelClient(group, bind.channel(), connections);
  }

  /** The address the local listener is bound to (with the chosen port when 0 was asked). */
  public InetSocketAddress localAddress() {
    return (InetSocketAddress) server.localAddress();
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
  }
}
