package io.hoop.broker.agent;

import static java.util.Objects.requireNonNull;

import io.hoop.broker.config.BrokerConfig;
import io.hoop.broker.config.TargetConfig;
import io.hoop.tunnel.engine.TargetConnector;
import io.hoop.tunnel.server.TunnelAuthorization;
import io.hoop.tunnel.server.TunnelRejectedException;
import io.hoop.tunnel.server.UpstreamDialer;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The broker's {@link UpstreamDialer} and the engines' {@link TargetConnector}s: a target with
 * {@code via: AGENT} is reached on a stream of that agent's connection, every other route over TCP.
 * A target whose agent is not connected fails the handshake with {@code agent_unavailable}, naming
 * the agent.
 */
public final class AgentUpstreams implements UpstreamDialer {
  private final Supplier<BrokerConfig> configs;
  private final AgentRegistry registry;

  public AgentUpstreams(Supplier<BrokerConfig> configs, AgentRegistry registry) {
    this.configs = requireNonNull(configs, "configs");
    this.registry = requireNonNull(registry, "registry");
  }

  @Override
  public Future<Channel> dial(
      Channel client, TunnelAuthorization authorization, InetSocketAddress route) {
    String via = via(authorization.target());
    // An engine that terminates the protocol itself routes to its own loopback listener: that is
    // dialed directly, and the engine reaches the target through its connector.
    if (via == null || !route.equals(authorization.upstream())) {
      return DIRECT.dial(client, authorization, route);
    }
    return open(via, authorization.target(), route, client.eventLoop(), authorization.sessionId());
  }

  /**
   * How an engine that dials its target itself reaches {@code target} for the tunnel session {@code
   * sessionId}: on a stream of the target's agent when it has one ({@code via}), over TCP
   * otherwise. The agent is looked up when the engine connects, so one that reconnected meanwhile
   * is used.
   */
  public TargetConnector connector(String target, String sessionId) {
    String via = via(target);
    if (via == null) {
      return TargetConnector.DIRECT;
    }
    return (loop, address) -> open(via, target, address, loop, sessionId);
  }

  private String via(String target) {
    return configs.get().target(target).map(TargetConfig::via).orElse(null);
  }

  private Future<Channel> open(
      String via, String target, InetSocketAddress address, EventLoop loop, String sessionId) {
    Optional<AgentRegistry.Link> link = registry.find(via);
    if (link.isEmpty()) {
      return loop.newFailedFuture(
          new TunnelRejectedException(
              "agent_unavailable",
              "target "
                  + target
                  + " is reached through agent "
                  + via
                  + ", which is not connected to the broker"));
    }
    Promise<Channel> promise = loop.newPromise();
    link.get()
        .connection()
        .open(target, address, loop, sessionId)
        .addListener(
            f -> {
              if (f.isSuccess()) {
                promise.setSuccess((Channel) f.getNow());
              } else {
                promise.setFailure(
                    new IOException(
                        "through agent " + via + ": " + f.cause().getMessage(), f.cause()));
              }
            });
    return promise;
  }
}
