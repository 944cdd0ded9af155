package io.hoop.agent;

import static java.util.Objects.requireNonNull;

import io.hoop.tunnel.mux.AgentWelcome;
import io.hoop.tunnel.mux.MuxConnection;
import io.hoop.tunnel.mux.MuxStreamException;
import io.hoop.tunnel.transport.Transports;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's only way into its network: dials a target by name, and only a target the broker
 * assigned to this agent in its WELCOME, at the address the broker named, and (when the operator
 * gave {@code --allow}) only an address on the agent's own allow-list. An OPEN for anything else is
 * reset with the reason; no OPEN carries an address, so the broker connection cannot be used to
 * reach an arbitrary host.
 */
final class TargetDialer implements MuxConnection.Acceptor {
  private static final Logger log = LoggerFactory.getLogger(TargetDialer.class);
  static final int CONNECT_TIMEOUT_MILLIS = 5000;

  private final String agent;
  private final Map<String, AgentWelcome.AssignedTarget> targets = new HashMap<>();
  private final Set<String> allowed;

  /**
   * @param agent this agent's name, for reasons
   * @param assigned the targets of the WELCOME
   * @param allowed {@code host:port} the operator allows, empty for the broker's assignment alone
   */
  TargetDialer(String agent, List<AgentWelcome.AssignedTarget> assigned, Set<String> allowed) {
    this.agent = requireNonNull(agent, "agent");
    this.allowed = Set.copyOf(allowed);
    for (AgentWelcome.AssignedTarget t : assigned) {
      targets.put(t.name(), t);
    }
  }

  /** Whether the operator's allow-list (if any) admits {@code t}. */
  boolean admits(AgentWelcome.AssignedTarget t) {
    return allowed.isEmpty() || allowed.contains(address(t.host(), t.port()));
  }

  static String address(String host, int port) {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }

  @Override
  public Future<Channel> connect(String target, EventLoop loop) {
    AgentWelcome.AssignedTarget t = targets.get(target);
    if (t == null) {
      log.warn(
          "agent refused a stream agent={} target=\"{}\" reason=not_assigned",
          agent,
          printable(target));
      return loop.newFailedFuture(
          new MuxStreamException(
              "target " + printable(target) + " is not assigned to agent " + agent));
    }
    if (!admits(t)) {
      log.warn(
          "agent refused a stream agent={} target={} address={} reason=not_allowed_locally",
          agent,
          target,
          address(t.host(), t.port()));
      return loop.newFailedFuture(
          new MuxStreamException(
              "agent "
                  + agent
                  + " does not allow "
                  + address(t.host(), t.port())
                  + " (not in its --allow list)"));
    }
    Promise<Channel> promise = loop.newPromise();
    ChannelFuture connect =
        new Bootstrap()
            .group(loop)
            .channel(Transports.socketChannelClassFor(loop))
            .option(ChannelOption.AUTO_READ, false)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS)
            .handler(new ChannelInboundHandlerAdapter())
            .connect(new InetSocketAddress(t.host(), t.port()));
    connect.addListener(
        f -> {
          if (f.isSuccess()) {
            log.debug("agent stream connected agent={} target={}", agent, target);
            promise.setSuccess(connect.channel());
          } else {
            String why = describe(f.cause());
            log.info(
                "agent cannot reach target agent={} target={} address={} error={}",
                agent,
                target,
                address(t.host(), t.port()),
                why);
            promise.setFailure(
                new MuxStreamException(
                    "agent "
                        + agent
                        + " cannot connect to "
                        + address(t.host(), t.port())
                        + ": "
                        + why));
          }
        });
    return promise;
  }

  private static String describe(Throwable t) {
    if (t instanceof ConnectTimeoutException) {
      return "no answer within " + CONNECT_TIMEOUT_MILLIS / 1000 + "s";
    }
    if (t instanceof ConnectException) {
      return "connection refused";
    }
    return t == null || t.getMessage() == null ? "connection failed" : t.getMessage();
  }

  private static String printable(String s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length() && i < 80; i++) {
      char c = s.charAt(i);
      b.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return b.toString();
  }
}
