package io.hoop.tunnel.engine;

import io.hoop.tunnel.internal.Relay;
import io.hoop.tunnel.server.TunnelServer;
import io.hoop.tunnel.server.UpstreamDialer;
import io.hoop.tunnel.transport.Transports;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;

/**
 * How an engine that speaks to its target itself (ssh, http, kubernetes: it terminates the client's
 * protocol and opens its own connection to the target) reaches that target: over TCP ({@link
 * #DIRECT}), or on a stream of the agent the target sits behind ({@code via:}). The broker hands
 * each tunnel's connector to the engine in its {@link Admission}; the engine never learns which it
 * got. Engines whose bytes go through the tunnel server's own dial ({@code tcp}, {@code postgres})
 * do not use it.
 */
@FunctionalInterface
public interface TargetConnector {
  /** A TCP connection to the address, made on {@code loop}. */
  TargetConnector DIRECT =
      (loop, address) ->
          UpstreamDialer.channelOf(
              new Bootstrap()
                  .group(loop)
                  .channel(Transports.socketChannelClassFor(loop))
                  .option(ChannelOption.AUTO_READ, false)
                  .option(ChannelOption.TCP_NODELAY, true)
                  .option(ChannelOption.WRITE_BUFFER_WATER_MARK, Relay.WATER_MARK)
                  .option(
                      ChannelOption.CONNECT_TIMEOUT_MILLIS,
                      (int) TunnelServer.UPSTREAM_CONNECT_TIMEOUT.toMillis())
                  .handler(new ChannelInboundHandlerAdapter())
                  .connect(address),
              loop.newPromise());

  /**
   * Connects to the tunnel's target.
   *
   * @param loop the event loop the channel is to live on (the engine's connection's own)
   * @param address the target's address as configured; a connector through an agent reaches the
   *     address the agent was assigned for this target, which is the same one
   * @return the connected channel, auto-read off, no handlers of the caller's yet; it ends (closes)
   *     when the target's side does (no half-closure). A failure's message says why, e.g. that the
   *     agent carrying the target is not connected.
   */
  Future<Channel> connect(EventLoop loop, InetSocketAddress address);
}
