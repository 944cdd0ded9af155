package io.hoop.broker.agent;

import static java.util.Objects.requireNonNull;

import io.hoop.broker.config.BrokerConfig;
import io.hoop.broker.config.TargetConfig;
import io.hoop.tunnel.server.TunnelAuthorization;
import io.hoop.tunnel.server.TunnelRejectedException;
import io.hoop.tunnel.server.UpstreamDialer;
import io.netty.channel.Channel;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The broker's {@link UpstreamDialer}: a target with {@code via: AGENT} is reached on a stream of
 * that agent's connection, every other route over TCP. A target whose agent is not connected fails
 * the handshake with {@code agent_unavailable}, naming the agent.
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
    Optional<TargetConfig> target = configs.get().target(authorization.target());
    String via = target.map(TargetConfig::via).orElse(null);
    // An engine that terminates the protocol itself routes to its own loopback listener: that is
    // dialed directly (config refuses via on such targets).
    if (via == null || !route.equals(authorization.upstream())) {
      return DIRECT.dial(client, authorization, route);
    }
    Optional<AgentRegistry.Link> link = registry.find(via);
    if (link.isEmpty()) {
      return client
          .eventLoop()
          .newFailedFuture(
              new TunnelRejectedException(
                  "agent_unavailable",
                  "target "
                      + authorization.target()
                      + " is reached through agent "
                      + via
                      + ", which is not connected to the broker"));
    }
    Promise<Channel> promise = client.eventLoop().newPromise();
    link.get()
        .connection()
        .open(authorization.target(), route, client.eventLoop(), authorization.sessionId())
        .addListener(
            f -> {
              if (f.isSuccess()) {
                promise.setSuccess((Channel) f.getNow());
              } else {
                promise.setFailure(
                    new java.io.IOException(
                        "through agent " + via + ": " + f.cause().getMessage(), f.cause()));
              }
            });
    return promise;
  }
}
