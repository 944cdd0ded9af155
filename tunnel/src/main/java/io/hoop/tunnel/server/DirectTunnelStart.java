package io.hoop.tunnel.server;

import io.hoop.tunnel.engine.Engine;
import io.hoop.tunnel.engine.EngineContext;
import io.hoop.tunnel.engine.EngineSession;
import io.netty.channel.Channel;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts an authorized session for a direct client (see {@link TunnelServer#startDirect}): the same
 * steps as a tunnel after its handshake was authorized (deadline check, engine, dial, relay, engine
 * install, deadline and revoke), without the handshake reply and the keepalive frames.
 */
final class DirectTunnelStart {
  private static final Logger log = LoggerFactory.getLogger(DirectTunnelStart.class);

  private final TunnelServer server;
  private final Channel client;
  private final TunnelAuthorization authorization;
  private final DirectClient callbacks;
  private final TunnelParty party;

  private final long startedNanos;

  DirectTunnelStart(
      TunnelServer server,
      Channel client,
      TunnelAuthorization authorization,
      DirectClient callbacks) {
    this.server = server;
    this.client = client;
    this.authorization = authorization;
    this.callbacks = callbacks;
    this.startedNanos = System.nanoTime();
    this.party =
        new TunnelParty(
            authorization.principal(), authorization.grantId(), authorization.target(), null);
  }

  /** On the client's event loop. */
  void run() {
    if (!server.clock().instant().isBefore(authorization.deadline())) {
      refuse(
          "grant_expired",
          "grant "
              + authorization.grantId()
              + " for "
              + authorization.target()
              + " expired at "
              + authorization.deadline());
      return;
    }
    Engine engine = server.engines().find(authorization.engine()).orElse(null);
    if (engine == null) {
      log.error(
          "direct session names an unknown engine session={} grant={} engine={}",
          authorization.sessionId(),
          authorization.grantId(),
          authorization.engine());
      refuse("internal_error", "the broker could not authorize the session");
      return;
    }
    InetSocketAddress route = engine.route(authorization);
    Future<Channel> dialed = server.dialer().dial(client, authorization, route);
    dialed.addListener(f -> connected(engine, dialed));
  }

  private void connected(Engine engine, Future<Channel> f) {
    if (!client.isActive()) {
      if (f.isSuccess()) {
        f.getNow().close();
      }
      server.fireRejected(
          client.remoteAddress(),
          "client_disconnected",
          "the client left while the broker dialed target " + authorization.target(),
          party);
      return;
    }
    if (!f.isSuccess()) {
      if (f.cause() instanceof TunnelRejectedException rejected) {
        refuse(rejected.code(), rejected.getMessage());
        return;
      }
      refuse(
          "upstream_unreachable",
          "cannot connect to target "
              + authorization.target()
              + " at "
              + authorization.upstream().getHostString()
              + ":"
              + authorization.upstream().getPort()
              + ": "
              + ServerTunnelHandler.describe(f.cause()));
      return;
    }
    Channel upstream = f.getNow();
    ServerTunnel tunnel =
        new ServerTunnel(server, authorization, client, upstream, true, startedNanos);
    client.pipeline().addLast("hoop-direct-framing", new DirectClientFraming());
    client.pipeline().addLast("hoop-relay", tunnel.relay().framedHandler());
    upstream.pipeline().addLast("hoop-relay", tunnel.relay().rawHandler());
    EngineSession session =
        engine.install(
            new EngineContext(
                client,
                upstream,
                "hoop-relay",
                authorization,
                "session="
                    + authorization.sessionId()
                    + " grant="
                    + authorization.grantId()
                    + " direct=true"));
    callbacks.installed(session);
    tunnel.start(session);
  }

  private void refuse(String code, String message) {
    log.info(
        "direct session refused remote={} grant={} code={} message=\"{}\"",
        client.remoteAddress(),
        authorization.grantId(),
        code,
        message);
    server.fireRejected(client.remoteAddress(), code, message, party);
    callbacks.refused(code, message);
  }
}
