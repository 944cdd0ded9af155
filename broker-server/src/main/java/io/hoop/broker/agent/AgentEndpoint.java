package io.hoop.broker.agent;

import static java.util.Objects.requireNonNull;

import io.hoop.broker.config.BrokerConfig;
import io.hoop.broker.store.AuditLog;
import io.hoop.broker.token.InvalidBrokerTokenException;
import io.hoop.broker.token.TokenService;
import io.hoop.tunnel.mux.AgentHello;
import io.hoop.tunnel.mux.AgentProtocol;
import io.hoop.tunnel.mux.AgentRefusal;
import io.hoop.tunnel.mux.AgentWelcome;
import io.hoop.tunnel.mux.MuxConnection;
import io.hoop.tunnel.mux.MuxDecoder;
import io.hoop.tunnel.mux.MuxEncoder;
import io.hoop.tunnel.mux.MuxFrame;
import io.hoop.tunnel.protocol.Keepalive;
import io.hoop.tunnel.server.TunnelServer;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.SocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's agent endpoint, on its one port after the {@code HOPA} magic: reads the agent's
 * HELLO, verifies its token (signature, expiry, not revoked, admin-minted and unbound) and that its
 * principal may serve the agent name it claims ({@link AgentRule}), answers WELCOME with the
 * targets assigned to it ({@code via}) or REFUSED, and then keeps the connection in the {@link
 * AgentRegistry} for the tunnel server's dialer. Every connect, refusal and disconnect is audited
 * ({@code agent.connected}, {@code agent.refused}, {@code agent.disconnected}); tunnels that ran
 * over a lost agent are closed with {@code agent_disconnected}. The agent is disconnected when its
 * token expires or is revoked (checked every {@link #RECHECK}).
 */
public final class AgentEndpoint {
  private static final Logger log = LoggerFactory.getLogger(AgentEndpoint.class);

  /** How often a connected agent's token is verified again (revocation). */
  public static final Duration RECHECK = Duration.ofSeconds(10);

  /** Refusal records per minute; further refusals are only counted and logged. */
  static final int REFUSALS_PER_MINUTE = 60;

  private final TokenService tokens;
  private final Supplier<BrokerConfig> configs;
  private final AuditLog audit;
  private final Executor blocking;
  private final Clock clock;
  private final AgentRegistry registry;
  private final Supplier<TunnelServer> tunnels;
  private final int window;
  private long refusalMinute;
  private int refusalsThisMinute;

  public AgentEndpoint(
      TokenService tokens,
      Supplier<BrokerConfig> configs,
      AuditLog audit,
      Executor blocking,
      Clock clock,
      AgentRegistry registry,
      Supplier<TunnelServer> tunnels) {
    this.tokens = requireNonNull(tokens, "tokens");
    this.configs = requireNonNull(configs, "configs");
    this.audit = requireNonNull(audit, "audit");
    this.blocking = requireNonNull(blocking, "blocking");
    this.clock = requireNonNull(clock, "clock");
    this.registry = requireNonNull(registry, "registry");
    this.tunnels = requireNonNull(tunnels, "tunnels");
    this.window = AgentProtocol.DEFAULT_WINDOW;
  }

  /** Installs the endpoint at the end of {@code pipeline}; the magic is still in the stream. */
  public void configure(ChannelPipeline pipeline) {
    pipeline.channel().config().setAutoRead(true);
    pipeline.addLast("agent-magic", new MagicSkipper());
    pipeline.addLast("agent-decoder", new MuxDecoder());
    pipeline.addLast("agent-encoder", MuxEncoder.INSTANCE);
    pipeline.addLast("agent-hello", new Hello());
  }

  /** The targets assigned to agent {@code name} in the current config. */
  List<AgentWelcome.AssignedTarget> assigned(String name) {
    return configs.get().targets().stream()
        .filter(t -> name.equals(t.via()))
        .map(t -> new AgentWelcome.AssignedTarget(t.name(), t.host(), t.port()))
        .toList();
  }

  /** Drops the four magic bytes, then steps aside. */
  private static final class MagicSkipper extends ByteToMessageDecoder {
    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
      if (in.readableBytes() < AgentProtocol.MAGIC.length) {
        return;
      }
      in.skipBytes(AgentProtocol.MAGIC.length);
      ctx.pipeline().remove(this);
    }
  }

  private void auditAsync(String type, String principal, Map<String, Object> details) {
    try {
      blocking.execute(
          () -> {
            try {
              audit.append(type, principal, null, null, null, details);
            } catch (RuntimeException e) {
              log.warn("agent audit record failed type={}", type, e);
            }
          });
    } catch (RejectedExecutionException e) {
      log.warn("agent audit record dropped, the broker is stopping type={}", type);
    }
  }

  private synchronized boolean refusalRecorded() {
    long minute = clock.millis() / 60_000;
    if (minute != refusalMinute) {
      refusalMinute = minute;
      refusalsThisMinute = 0;
    }
    return ++refusalsThisMinute <= REFUSALS_PER_MINUTE;
  }

  /** Waits for HELLO, authorizes it off the event loop, answers. */
  private final class Hello extends ChannelInboundHandlerAdapter {
    private ScheduledFuture<?> timeout;
    private boolean done;

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      timeout =
          ctx.executor()
              .schedule(
                  () -> refuse(ctx, null, null, "handshake_timeout", "no HELLO within 10s"),
                  AgentProtocol.HANDSHAKE_TIMEOUT.toMillis(),
                  TimeUnit.MILLISECONDS);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (done) {
        ReferenceCountUtil.release(msg);
        return;
      }
      done = true;
      timeout.cancel(false);
      try {
        if (msg instanceof MuxDecoder.Malformed m) {
          refuse(
              ctx, null, null, "bad_hello", "the agent's first frame is malformed: " + m.reason());
          return;
        }
        if (!(msg instanceof MuxFrame frame) || frame.type() != MuxFrame.HELLO) {
          refuse(ctx, null, null, "bad_hello", "the agent's first frame is not HELLO");
          return;
        }
        AgentHello hello;
        try {
          hello = AgentProtocol.read(frame, AgentHello.class);
        } catch (IllegalArgumentException e) {
          refuse(ctx, null, null, "bad_hello", e.getMessage());
          return;
        }
        ctx.channel().config().setAutoRead(false);
        SocketAddress remote = ctx.channel().remoteAddress();
        try {
          blocking.execute(
              () -> {
                Object outcome = authorize(hello);
                ctx.executor().execute(() -> decided(ctx, hello, outcome));
              });
        } catch (RejectedExecutionException e) {
          log.info("agent refused, the broker is stopping remote={}", remote);
          ctx.close();
        }
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }

    /** The verified claims, or the refusal {code, message, principal}. */
    private Object authorize(AgentHello hello) {
      TokenService.SessionClaims claims;
      try {
        claims = tokens.verifySession(hello.token() == null ? "" : hello.token());
      } catch (InvalidBrokerTokenException e) {
        return new String[] {"unauthenticated", "agent token refused: " + e.getMessage(), null};
      } catch (RuntimeException e) {
        log.error("agent token check failed", e);
        return new String[] {"internal_error", "the broker could not check the agent token", null};
      }
      String why =
          AgentRule.refusal(
              hello.name(),
              claims.principal().name(),
              claims.principal().loginMethod(),
              claims.bound());
      if (why != null) {
        return new String[] {"agent_not_allowed", why, claims.principal().name()};
      }
      return claims;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      log.debug("agent handshake failed remote={}", ctx.channel().remoteAddress(), cause);
      ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (timeout != null) {
        timeout.cancel(false);
      }
      ctx.fireChannelInactive();
    }

    private void decided(ChannelHandlerContext ctx, AgentHello hello, Object outcome) {
      if (!ctx.channel().isActive()) {
        return;
      }
      if (outcome instanceof String[] refusal) {
        refuse(ctx, AgentRule.printable(hello.name()), refusal[2], refusal[0], refusal[1]);
        return;
      }
      TokenService.SessionClaims claims = (TokenService.SessionClaims) outcome;
      welcome(ctx, hello, claims);
    }

    private void refuse(
        ChannelHandlerContext ctx, String name, String principal, String code, String message) {
      done = true;
      SocketAddress remote = ctx.channel().remoteAddress();
      log.info(
          "agent refused remote={} agent={} code={} message=\"{}\"", remote, name, code, message);
      if (refusalRecorded()) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("agent", name);
        d.put("code", code);
        d.put("reason", message);
        d.put("remote", String.valueOf(remote));
        auditAsync("agent.refused", principal, d);
      }
      Channel ch = ctx.channel();
      if (ch.isActive()) {
        ch.writeAndFlush(AgentProtocol.json(MuxFrame.REFUSED, new AgentRefusal(code, message)))
            .addListener(ChannelFutureListener.CLOSE);
      }
    }

    private void welcome(
        ChannelHandlerContext ctx, AgentHello hello, TokenService.SessionClaims claims) {
      String name = hello.name();
      String principal = claims.principal().name();
      Channel ch = ctx.channel();
      Keepalive keepalive = configs.get().tunnelKeepalive();
      int streams = hello.acceptedStreams();
      int streamWindow = AgentProtocol.windowFor(window, streams);
      List<AgentWelcome.AssignedTarget> targets = assigned(name);
      Instant connectedAt = clock.instant();
      AgentRegistry.Link[] self = new AgentRegistry.Link[1];
      MuxConnection mux =
          new MuxConnection(
              MuxConnection.Role.OPENER,
              "agent " + name,
              null,
              streamWindow,
              streams,
              (reason, sessions) -> lost(self[0], reason, sessions));
      self[0] = new AgentRegistry.Link(name, principal, mux, connectedAt);
      ch.pipeline()
          .addBefore(
              "agent-hello",
              "agent-idle",
              new IdleStateHandler(
                  keepalive.deadPeerTimeout().toMillis(),
                  keepalive.interval().toMillis(),
                  0,
                  TimeUnit.MILLISECONDS));
      ch.pipeline().replace(this, "agent-mux", mux);
      ch.writeAndFlush(
          AgentProtocol.json(
              MuxFrame.WELCOME,
              new AgentWelcome(
                  name,
                  principal,
                  targets,
                  streamWindow,
                  keepalive.interval().toMillis(),
                  keepalive.deadPeerTimeout().toMillis())));
      registry
          .put(self[0])
          .ifPresent(old -> old.connection().close("agent " + name + " connected again"));
      ch.config().setAutoRead(true);
      log.info(
          "agent connected agent={} principal={} remote={} maxStreams={} window={} targets={}",
          name,
          principal,
          ch.remoteAddress(),
          streams,
          streamWindow,
          targets.stream().map(AgentWelcome.AssignedTarget::name).toList());
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("agent", name);
      d.put("remote", String.valueOf(ch.remoteAddress()));
      d.put("targets", targets.stream().map(AgentWelcome.AssignedTarget::name).toList());
      auditAsync("agent.connected", principal, d);
      // The token's end is the connection's end: at its expiry, and soon after a revocation.
      ScheduledFuture<?> recheck =
          ch.eventLoop()
              .scheduleAtFixedRate(
                  () -> recheck(mux, claims, hello.token()),
                  RECHECK.toMillis(),
                  RECHECK.toMillis(),
                  TimeUnit.MILLISECONDS);
      ch.closeFuture().addListener(f -> recheck.cancel(false));
    }

    private void recheck(MuxConnection mux, TokenService.SessionClaims claims, String token) {
      if (!clock.instant().isBefore(claims.expiresAt())) {
        mux.close("the token of " + mux.peer() + " expired at " + claims.expiresAt());
        return;
      }
      try {
        blocking.execute(
            () -> {
              try {
                tokens.verifySession(token);
              } catch (InvalidBrokerTokenException e) {
                mux.close("the token of " + mux.peer() + " is no longer valid: " + e.getMessage());
              } catch (RuntimeException e) {
                log.warn("agent token recheck failed peer={}", mux.peer(), e);
              }
            });
      } catch (RejectedExecutionException e) {
        // the broker is stopping
      }
    }
  }

  private void lost(AgentRegistry.Link link, String reason, List<String> sessions) {
    boolean current = registry.remove(link);
    String peer = link.connection().peer();
    String message = reason.startsWith(peer) ? reason : peer + " disconnected: " + reason;
    int closed = 0;
    if (!sessions.isEmpty()) {
      closed = tunnels.get().closeSessions(sessions, "agent_disconnected", message);
    }
    log.info(
        "agent disconnected agent={} current={} tunnelsClosed={} reason=\"{}\"",
        link.name(),
        current,
        closed,
        reason);
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("agent", link.name());
    d.put("reason", reason);
    d.put("tunnelsClosed", closed);
    d.put("connectedAt", link.connectedAt().toString());
    auditAsync("agent.disconnected", link.principal(), d);
  }
}
