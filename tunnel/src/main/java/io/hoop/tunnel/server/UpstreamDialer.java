package io.hoop.tunnel.server;

import io.hoop.tunnel.internal.Relay;
import io.hoop.tunnel.transport.Transports;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.InetSocketAddress;

/**
 * How the tunnel server reaches a tunnel's route: a TCP connection by default ({@link #DIRECT});
 * the broker puts targets behind an agent on the agent's connection instead. The returned channel
 * is what the relay and the engine see as the upstream, so neither knows how it was reached.
 */
@FunctionalInterface
public interface UpstreamDialer {
  /** Dials the route over TCP from the client's event loop. */
  UpstreamDialer DIRECT =
      (client, authorization, route) ->
          channelOf(tcp(client.eventLoop(), route, true), client.eventLoop().newPromise());

  /**
   * A TCP connection to {@code address} on {@code loop}, auto-read off, with the relay's write
   * watermarks and the upstream connect timeout; no handlers yet (the caller installs its own).
   *
   * @param halfClosure whether the target's end of input is an event ({@code true}, for a byte
   *     relay that forwards it) or the channel's end
   */
  static ChannelFuture tcp(EventLoop loop, InetSocketAddress address, boolean halfClosure) {
    return new Bootstrap()
        .group(loop)
        .channel(Transports.socketChannelClassFor(loop))
        .option(ChannelOption.AUTO_READ, false)
        .option(ChannelOption.ALLOW_HALF_CLOSURE, halfClosure)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.WRITE_BUFFER_WATER_MARK, Relay.WATER_MARK)
        .option(
            ChannelOption.CONNECT_TIMEOUT_MILLIS,
            (int) TunnelServer.UPSTREAM_CONNECT_TIMEOUT.toMillis())
        .handler(new ChannelInboundHandlerAdapter())
        .connect(address);
  }

  /** As {@link #tcp(EventLoop, InetSocketAddress, boolean)}, without half-closure, as a future. */
  static Future<Channel> tcp(EventLoop loop, InetSocketAddress address) {
    return channelOf(tcp(loop, address, false), loop.newPromise());
  }

  /**
   * Connects to {@code route} for the tunnel of {@code client}. Called on the client's event loop.
   *
   * @param client the tunnel's client channel (its event loop is where the upstream should live)
   * @param authorization the accepted tunnel
   * @param route where the engine wants the bytes to go ({@code Engine.route})
   * @return the connected upstream channel, auto-read off; a failure whose message says why (it
   *     reaches the client and the audit; a {@link TunnelRejectedException} keeps its own code),
   *     e.g. the agent carrying the target is down
   */
  Future<Channel> dial(Channel client, TunnelAuthorization authorization, InetSocketAddress route);

  /** The channel of a connect, as a future of the channel. */
  static Future<Channel> channelOf(ChannelFuture connect, Promise<Channel> promise) {
    connect.addListener(
        f -> {
          if (f.isSuccess()) {
            promise.trySuccess(connect.channel());
          } else {
            promise.tryFailure(f.cause());
          }
        });
    return promise;
  }
}
