package io.hoop.tunnel.engine;

import io.hoop.tunnel.server.UpstreamDialer;
import io.netty.channel.Channel;
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
  TargetConnector DIRECT = UpstreamDialer::tcp;

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
