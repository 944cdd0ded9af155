package io.hoop.tunnel.server;

import io.hoop.api.ApiError;
import io.hoop.tunnel.engine.Engine;
import io.hoop.tunnel.engine.EngineContext;
import io.hoop.tunnel.engine.UnreachableUpstream;
import io.hoop.tunnel.internal.KeepaliveHandler;
import io.hoop.tunnel.internal.Relay;
import io.hoop.tunnel.protocol.Handshake;
import io.hoop.tunnel.protocol.HandshakeReply;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.ssl.SslCloseCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives one tunnel connection through its phases: read the handshake, authorize it off the event
 * loop, dial the engine's route on the same event loop, reply, then hand over to a {@link Relay}
 * with the tunnel's {@link Engine} installed in front of it.
 */
final class ServerTunnelHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(ServerTunnelHandler.class);

  private enum State {
    HANDSHAKE,
    AUTHORIZING,
    CONNECTING,
    RECORDING,
    RELAYING,
    CLOSED
  }

  private final TunnelServer server;
  private State state = State.HANDSHAKE;
  private ChannelHandlerContext ctx;
  private ScheduledFuture<?> handshakeTimeout;
  private boolean clientKeepalive;
  private long handshakeNanos;

  ServerTunnelHandler(TunnelServer server) {
    this.server = server;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    long nanos = server.handshakeTimeout().toNanos();
    handshakeTimeout =
        ctx.executor()
            .schedule(
                () -> {
                  if (state == State.HANDSHAKE) {
                    refuse(
                        "handshake_timeout",
                        "no complete tunnel handshake within "
                            + describe(server.handshakeTimeout()),
                        "check the network between hoop and the broker, then retry");
                  }
                },
                nanos,
                TimeUnit.NANOSECONDS);
    // Reads are requested explicitly from here on; the handshake decoder asks for more as needed.
    ctx.channel().config().setAutoRead(false);
    ctx.channel().read();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof Handshake handshake && state == State.HANDSHAKE) {
      handshakeTimeout.cancel(false);
      handshakeNanos = System.nanoTime();
      state = State.AUTHORIZING;
      clientKeepalive = handshake.keepalive();
      authorize(handshake);
    } else if (msg instanceof HandshakeDecoder.Failure failure) {
      refuse(failure.code(), failure.message(), hintFor(failure.code()));
    } else {
      ReferenceCountUtil.release(msg);
      if (state != State.CLOSED) {
        refuse(
            "bad_handshake",
            "the client sent data before the broker answered the handshake",
            hintFor("bad_handshake"));
      }
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof ChannelInputShutdownEvent || evt instanceof SslCloseCompletionEvent) {
      // The client left before its tunnel started (the socket allows half-closure, so this is
      // no close by itself): nothing is dialed or kept for it.
      log.debug("tunnel client left during the handshake remote={}", ctx.channel().remoteAddress());
      handshakeTimeout.cancel(false);
      state = State.CLOSED;
      ctx.close();
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    handshakeTimeout.cancel(false);
    state = State.CLOSED;
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("tunnel handshake connection failed remote={}", ctx.channel().remoteAddress(), cause);
    state = State.CLOSED;
    ctx.close();
  }

  private void authorize(Handshake handshake) {
    SocketAddress remote = ctx.channel().remoteAddress();
    try {
      server
          .executor()
          .execute(
              () -> {
                Object outcome;
                try {
                  TunnelAuthorization authorization =
                      server.authorizer().authorize(handshake, remote);
                  outcome =
                      authorization == null
                          ? new TunnelRejectedException(
                              "internal_error", "the broker could not authorize the tunnel")
                          : authorization;
                } catch (TunnelRejectedException e) {
                  outcome = e;
                } catch (RuntimeException | Error e) {
                  log.error("tunnel authorizer failed remote={}", remote, e);
                  outcome =
                      new TunnelRejectedException(
                          "internal_error", "the broker could not authorize the tunnel");
                }
                Object result = outcome;
                ctx.executor().execute(() -> authorized(result));
              });
    } catch (RejectedExecutionException e) {
      refuse("internal_error", "the broker is shutting down or overloaded", "retry in a moment");
    }
  }

  private void authorized(Object outcome) {
    if (state != State.AUTHORIZING) {
      return;
    }
    if (outcome instanceof TunnelRejectedException rejected) {
      refuse(rejected.code(), rejected.getMessage(), hintFor(rejected.code()), rejected.party());
      return;
    }
    TunnelAuthorization authorization = (TunnelAuthorization) outcome;
    TunnelParty party =
        new TunnelParty(
            authorization.principal(), authorization.grantId(), authorization.target(), null);
    if (!clientKeepalive) {
      // Without PINGs a vanished client is not noticed and its upstream connection (with its
      // locks and transactions) would live until the grant's deadline: fail closed.
      refuse(
          "keepalive_required",
          "this hoop client does not send tunnel keepalives, which the broker requires",
          hintFor("keepalive_required"),
          party);
      return;
    }
    if (!server.clock().instant().isBefore(authorization.deadline())) {
      refuse(
          "grant_expired",
          "grant "
              + authorization.grantId()
              + " for "
              + authorization.target()
              + " expired at "
              + authorization.deadline(),
          hintFor("grant_expired"),
          party);
      return;
    }
    Engine engine = server.engines().find(authorization.engine()).orElse(null);
    if (engine == null) {
      // The authorizer named an engine this server does not run: fail closed.
      log.error(
          "tunnel names an unknown engine session={} grant={} engine={} known={}",
          authorization.sessionId(),
          authorization.grantId(),
          authorization.engine(),
          server.engines().names());
      refuse(
          "internal_error",
          "the broker could not authorize the tunnel",
          hintFor("internal_error"),
          party);
      return;
    }
    state = State.CONNECTING;
    Channel client = ctx.channel();
    InetSocketAddress upstream = engine.route(authorization);
    Future<Channel> connect = server.dialer().dial(client, authorization, upstream);
    connect.addListener(f -> connected(authorization, engine, upstream, party, connect));
  }

  private void connected(
      TunnelAuthorization authorization,
      Engine engine,
      InetSocketAddress route,
      TunnelParty party,
      Future<Channel> f) {
    if (state != State.CONNECTING) {
      if (f.isSuccess()) {
        f.getNow().close();
      }
      return;
    }
    if (!f.isSuccess()) {
      String reason = describe(f.cause());
      log.info(
          "tunnel upstream unreachable session={} grant={} target={} upstream={} error={}",
          authorization.sessionId(),
          authorization.grantId(),
          authorization.target(),
          authorization.upstream(),
          reason);
      if (engine.answerUnreachable(
          new UnreachableUpstream(
              authorization,
              route,
              reason,
              ctx.pipeline(),
              ctx.name(),
              () -> acceptUnreachable(authorization, reason, party)))) {
        if (state != State.CLOSED) {
          acceptedUnreachable(reason, party);
        }
        return;
      }
      if (f.cause() instanceof TunnelRejectedException rejected) {
        // The dialer refused with its own code, e.g. the agent carrying the target is down.
        refuse(rejected.code(), rejected.getMessage(), hintFor(rejected.code()), party);
        return;
      }
      // The client expects a reply before any frame, so the failure is a refused handshake.
      refuse(
          "upstream_unreachable",
          "cannot connect to target "
              + authorization.target()
              + " at "
              + authorization.upstream().getHostString()
              + ":"
              + authorization.upstream().getPort()
              + ": "
              + reason,
          "the target may be down; try again or contact the target's owner",
          party);
      return;
    }
    // The session's record is committed before the client hears it may start: a broker killed
    // right after the reply must not leave an acknowledged session without its audit record.
    state = State.RECORDING;
    Channel client = ctx.channel();
    Channel upstream = f.getNow();
    ServerTunnel tunnel =
        new ServerTunnel(server, authorization, client, upstream, false, handshakeNanos);
    server
        .recordOpened(
            tunnel, client.remoteAddress(), Duration.ofNanos(System.nanoTime() - handshakeNanos))
        .whenComplete(
            (done, failure) ->
                ctx.executor()
                    .execute(
                        () -> recorded(authorization, engine, tunnel, upstream, party, failure)));
  }

  /** The session is on record (or could not be put there): start relaying, or give up. */
  private void recorded(
      TunnelAuthorization authorization,
      Engine engine,
      ServerTunnel tunnel,
      Channel upstream,
      TunnelParty party,
      Throwable failure) {
    Channel client = ctx.channel();
    if (failure != null) {
      upstream.close();
      refuse(
          "internal_error",
          "the broker could not record the session: " + failure.getMessage(),
          hintFor("internal_error"),
          party);
      return;
    }
    if (state != State.RECORDING || !client.isActive() || !upstream.isActive()) {
      // Recorded as opened: its end is recorded too.
      boolean clientLeft = state != State.RECORDING || !client.isActive();
      upstream.close();
      server.fireClosed(tunnel, 0, 0, clientLeft ? "client_disconnected" : "upstream_closed");
      if (state == State.RECORDING) {
        state = State.CLOSED;
        Channel channel = ctx.channel();
        if (channel.isActive()) {
          channel
              .writeAndFlush(
                  HandshakeReply.refused(
                      new ApiError(
                          "upstream_unreachable",
                          "target " + authorization.target() + " closed the connection",
                          "the target may be down; try again or contact the target's owner")))
              .addListener(ChannelFutureListener.CLOSE);
        }
      }
      return;
    }
    state = State.RELAYING;
    client.writeAndFlush(
        HandshakeReply.accepted(
            authorization.sessionId(),
            authorization.grantId(),
            authorization.target(),
            authorization.deadline(),
            server.keepalive()));
    ctx.pipeline().replace(this, "hoop-relay", tunnel.relay().framedHandler());
    // Right after the frame decoder: PINGs never reach an engine, and a silent client is cut.
    ctx.pipeline()
        .addBefore(
            "hoop-relay",
            "hoop-keepalive",
            new KeepaliveHandler(server.keepalive(), tunnel::unresponsive));
    upstream.pipeline().addLast("hoop-relay", tunnel.relay().rawHandler());
    tunnel.start(
        engine.install(
            new EngineContext(
                client,
                upstream,
                "hoop-relay",
                authorization,
                "session=" + authorization.sessionId() + " grant=" + authorization.grantId())));
  }

  /** The engine answers an unreachable upstream itself: audited as refused, the client accepted. */
  private void acceptUnreachable(
      TunnelAuthorization authorization, String reason, TunnelParty party) {
    if (state == State.CLOSED) {
      return;
    }
    acceptedUnreachable(reason, party);
    ctx.channel()
        .writeAndFlush(
            HandshakeReply.accepted(
                authorization.sessionId(),
                authorization.grantId(),
                authorization.target(),
                authorization.deadline()));
  }

  private void acceptedUnreachable(String reason, TunnelParty party) {
    server.fireRejected(ctx.channel().remoteAddress(), "upstream_unreachable", reason, party);
    state = State.CLOSED;
  }

  private void refuse(String code, String message, String hint) {
    refuse(code, message, hint, TunnelParty.UNKNOWN);
  }

  private void refuse(String code, String message, String hint, TunnelParty party) {
    if (state == State.CLOSED) {
      return;
    }
    state = State.CLOSED;
    handshakeTimeout.cancel(false);
    SocketAddress remote = ctx.channel().remoteAddress();
    log.info("tunnel refused remote={} code={} message=\"{}\"", remote, code, message);
    server.fireRejected(remote, code, message, party);
    Channel channel = ctx.channel();
    if (channel.isActive()) {
      channel
          .writeAndFlush(HandshakeReply.refused(new ApiError(code, message, hint)))
          .addListener(ChannelFutureListener.CLOSE);
    } else {
      channel.close();
    }
  }

  private static String hintFor(String code) {
    return switch (code) {
      case "bad_handshake", "handshake_too_large" ->
          "this client does not speak the hoop tunnel protocol; use a matching hoop version";
      case "handshake_timeout" -> "check the network between hoop and the broker, then retry";
      case "grant_expired" -> "request a new grant with `hoop connect`";
      case "keepalive_required" -> "upgrade hoop to the broker's version";
      case "internal_error" -> "retry; if it persists, the broker log has the details";
      case "agent_unavailable" ->
          "the agent in the target's network is down; try again when it reconnects";
      default -> null;
    };
  }

  static String describe(Throwable connectFailure) {
    if (connectFailure instanceof ConnectTimeoutException) {
      return "no answer within " + describe(TunnelServer.UPSTREAM_CONNECT_TIMEOUT);
    }
    if (connectFailure instanceof ConnectException) {
      return "connection refused";
    }
    return connectFailure == null || connectFailure.getMessage() == null
        ? "connection failed"
        : connectFailure.getMessage();
  }

  private static String describe(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
  }
}
