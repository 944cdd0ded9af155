package io.hoop.tunnel.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
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
          channelOf(ServerTunnelHandler.dial(client, route), client.eventLoop().newPromise());

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
