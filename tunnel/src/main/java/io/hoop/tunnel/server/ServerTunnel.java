package io.hoop.tunnel.server;

import io.hoop.tunnel.internal.Relay;
import io.hoop.tunnel.protocol.CloseNotice;
import io.netty.channel.Channel;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One live, authorized tunnel: its relay, its deadline and its audit events. */
final class ServerTunnel {
  private static final Logger log = LoggerFactory.getLogger(ServerTunnel.class);

  private final TunnelServer server;
  private final TunnelAuthorization authorization;
  private final Channel client;
  private final Relay relay;
  private ScheduledFuture<?> deadline;

  ServerTunnel(
      TunnelServer server, TunnelAuthorization authorization, Channel client, Channel upstream) {
    this.server = server;
    this.authorization = authorization;
    this.client = client;
    this.relay =
        new Relay(
            client,
            upstream,
            new Relay.Reasons(
                "client_closed",
                "upstream_closed",
                new CloseNotice(
                    "upstream_closed",
                    "target " + authorization.target() + " closed the connection")),
            "session=" + authorization.sessionId() + " grant=" + authorization.grantId(),
            this::ended);
  }

  TunnelAuthorization authorization() {
    return authorization;
  }

  Relay relay() {
    return relay;
  }

  /** Registers, reports and starts the tunnel, and arms the grant deadline. On the event loop. */
  void start() {
    server.register(this);
    server.fireOpened(this, client.remoteAddress());
    log.info(
        "tunnel opened session={} grant={} principal={} target={} upstream={} deadline={}",
        authorization.sessionId(),
        authorization.grantId(),
        authorization.principal(),
        authorization.target(),
        authorization.upstream(),
        authorization.deadline());
    long delay =
        Math.max(0, Duration.between(server.clock().instant(), authorization.deadline()).toNanos());
    deadline =
        client
            .eventLoop()
            .schedule(
                () ->
                    close(
                        "grant_expired",
                        "grant "
                            + authorization.grantId()
                            + " for "
                            + authorization.target()
                            + " expired"),
                delay,
                TimeUnit.NANOSECONDS);
    relay.start();
  }

  /** Sends a CLOSE notice and closes both sides; the code doubles as the audit reason. */
  void close(String code, String message) {
    relay.closeWith(new CloseNotice(code, message), code);
  }

  private void ended(Relay.Ending ending) {
    if (deadline != null) {
      deadline.cancel(false);
    }
    server.unregister(this);
    log.info(
        "tunnel closed session={} grant={} reason={} bytesUp={} bytesDown={}",
        authorization.sessionId(),
        authorization.grantId(),
        ending.reason(),
        ending.bytesFromFramed(),
        ending.bytesFromRaw());
    server.fireClosed(this, ending.bytesFromFramed(), ending.bytesFromRaw(), ending.reason());
  }
}
