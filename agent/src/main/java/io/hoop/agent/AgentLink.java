package io.hoop.agent;

import static java.util.Objects.requireNonNull;

import io.hoop.tunnel.mux.AgentHello;
import io.hoop.tunnel.mux.AgentProtocol;
import io.hoop.tunnel.mux.AgentRefusal;
import io.hoop.tunnel.mux.AgentWelcome;
import io.hoop.tunnel.mux.MuxConnection;
import io.hoop.tunnel.mux.MuxDecoder;
import io.hoop.tunnel.mux.MuxEncoder;
import io.hoop.tunnel.mux.MuxFrame;
import io.hoop.tunnel.transport.Transports;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's one connection to the broker, kept up: dial out over TLS (the broker's certificate
 * verified by pin or CA), say HELLO with the token, get the assigned targets in WELCOME, then carry
 * the broker's streams. A lost connection is dialed again with capped, jittered backoff; a REFUSED
 * ends the run (a refused token does not get better by retrying).
 */
final class AgentLink {
  private static final Logger log = LoggerFactory.getLogger(AgentLink.class);

  /** How a connection ended. */
  enum Outcome {
    /** Lost or never made: dial again. */
    RETRY,
    /** The broker refused this agent: stop. */
    REFUSED
  }

  /**
   * What the agent runs with.
   *
   * @param host the broker's host
   * @param port the broker's port
   * @param name this agent's name
   * @param token reads the broker token (a secret) afresh for each connection, so a rotated token
   *     file is used at the next reconnect
   * @param ssl the TLS client context (pinned or CA-verified)
   * @param allowed the operator's {@code --allow} list, empty for none
   * @param maxBackoff longest wait between two dials
   * @param maxStreams streams the agent carries at once (announced in HELLO)
   */
  record Settings(
      String host,
      int port,
      String name,
      java.util.function.Supplier<String> token,
      SslContext ssl,
      Set<String> allowed,
      Duration maxBackoff,
      int maxStreams) {
    Settings {
      requireNonNull(host, "host");
      requireNonNull(name, "name");
      requireNonNull(token, "token");
      requireNonNull(ssl, "ssl");
      allowed = Set.copyOf(allowed);
      requireNonNull(maxBackoff, "maxBackoff");
    }

    @Override
    public String toString() {
      return "Settings[" + host + ":" + port + ", name=" + name + ", token=<redacted>]";
    }
  }

  private final Settings settings;
  private final EventLoopGroup group;
  private volatile boolean stopping;
  private volatile AgentRefusal refusal;
  private volatile Channel current;

  AgentLink(Settings settings) {
    this.settings = requireNonNull(settings, "settings");
    this.group = Transports.newGroup(0, "hoop-agent");
  }

  /** Why the broker refused this agent, once it did. */
  AgentRefusal refusal() {
    return refusal;
  }

  /** Runs until {@link #stop} or a refusal; returns how it ended. */
  Outcome run() throws InterruptedException {
    long backoffMillis = 1000;
    try {
      while (!stopping) {
        CompletableFuture<Outcome> ended = new CompletableFuture<>();
        CompletableFuture<Boolean> welcomed = new CompletableFuture<>();
        connect(ended, welcomed);
        Outcome outcome;
        try {
          outcome = ended.get();
        } catch (ExecutionException e) {
          outcome = Outcome.RETRY;
        }
        if (outcome == Outcome.REFUSED || stopping) {
          return outcome;
        }
        if (welcomed.getNow(false)) {
          backoffMillis = 1000;
        }
        long wait = backoffMillis / 2 + ThreadLocalRandom.current().nextLong(backoffMillis / 2 + 1);
        log.info("agent reconnecting in {} ms agent={}", wait, settings.name());
        Thread.sleep(wait);
        backoffMillis = Math.min(backoffMillis * 2, settings.maxBackoff().toMillis());
      }
      return Outcome.RETRY;
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
    }
  }

  /** Stops the run: closes the connection, and with it every stream. Any thread. */
  void stop() {
    stopping = true;
    Channel c = current;
    if (c != null) {
      c.close();
    }
  }

  private void connect(CompletableFuture<Outcome> ended, CompletableFuture<Boolean> welcomed) {
    Bootstrap b =
        new Bootstrap()
            .group(group)
            .channel(Transports.socketChannelClass())
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.SO_KEEPALIVE, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
            .handler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    SslHandler tls =
                        settings.ssl().newHandler(ch.alloc(), settings.host(), settings.port());
                    ch.pipeline().addLast("tls", tls);
                    ch.pipeline().addLast("mux-decoder", new MuxDecoder());
                    ch.pipeline().addLast("mux-encoder", MuxEncoder.INSTANCE);
                    ch.pipeline().addLast("agent-hello", new Hello(ended, welcomed));
                  }
                });
    b.connect(settings.host(), settings.port())
        .addListener(
            f -> {
              if (!f.isSuccess()) {
                log.warn(
                    "agent cannot reach the broker {}:{}: {}",
                    settings.host(),
                    settings.port(),
                    f.cause() == null ? "connection failed" : f.cause().getMessage());
                ended.complete(Outcome.RETRY);
              }
            });
  }

  /** Says HELLO after TLS, waits for WELCOME or REFUSED, then hands over to the streams. */
  private final class Hello extends ChannelInboundHandlerAdapter {
    private final CompletableFuture<Outcome> ended;
    private final CompletableFuture<Boolean> welcomed;
    private ScheduledFuture<?> timeout;

    Hello(CompletableFuture<Outcome> ended, CompletableFuture<Boolean> welcomed) {
      this.ended = ended;
      this.welcomed = welcomed;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      current = ctx.channel();
      ctx.channel().closeFuture().addListener(f -> ended.complete(Outcome.RETRY));
      if (stopping) {
        ctx.close();
      }
      ctx.fireChannelActive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof SslHandshakeCompletionEvent done) {
        if (!done.isSuccess()) {
          log.warn(
              "agent TLS handshake with the broker failed: {} (check --fingerprint or --ca-cert)",
              done.cause() == null ? "unknown" : done.cause().getMessage());
          ctx.close();
          return;
        }
        ctx.write(Unpooled.wrappedBuffer(AgentProtocol.MAGIC));
        ctx.writeAndFlush(
            AgentProtocol.json(
                MuxFrame.HELLO,
                new AgentHello(
                    settings.name(),
                    settings.token().get(),
                    AgentProtocol.VERSION,
                    settings.maxStreams())));
        timeout =
            ctx.executor()
                .schedule(
                    () -> {
                      log.warn("agent got no answer to its HELLO within 10s");
                      ctx.close();
                    },
                    AgentProtocol.HANDSHAKE_TIMEOUT.toMillis(),
                    TimeUnit.MILLISECONDS);
      }
      ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (timeout != null) {
        timeout.cancel(false);
      }
      try {
        if (msg instanceof MuxFrame frame && frame.type() == MuxFrame.WELCOME) {
          welcome(ctx, AgentProtocol.read(frame, AgentWelcome.class));
        } else if (msg instanceof MuxFrame frame && frame.type() == MuxFrame.REFUSED) {
          AgentRefusal r = AgentProtocol.read(frame, AgentRefusal.class);
          refusal = r;
          log.error("the broker refused agent {}: {} ({})", settings.name(), r.message(), r.code());
          ended.complete(Outcome.REFUSED);
          ctx.close();
        } else {
          log.warn("agent got {} before WELCOME; closing", msg);
          ctx.close();
        }
      } catch (IllegalArgumentException e) {
        log.warn("agent got a malformed answer from the broker: {}", e.getMessage());
        ctx.close();
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }

    private void welcome(ChannelHandlerContext ctx, AgentWelcome w) {
      TargetDialer dialer = new TargetDialer(settings.name(), w.targets(), settings.allowed());
      List<String> names =
          w.targets().stream()
              .map(
                  t ->
                      t.name()
                          + "="
                          + TargetDialer.address(t.host(), t.port())
                          + (dialer.admits(t) ? "" : " (not in --allow: refused)"))
              .toList();
      log.info(
          "agent connected agent={} broker={}:{} principal={} targets={}",
          settings.name(),
          settings.host(),
          settings.port(),
          w.principal(),
          names);
      long keepalive = Math.max(1000, w.keepaliveMillis());
      long dead = Math.max(keepalive * 2, w.deadPeerMillis());
      ctx.pipeline()
          .addBefore(
              "agent-hello",
              "idle",
              new IdleStateHandler(dead, keepalive, 0, TimeUnit.MILLISECONDS));
      ctx.pipeline()
          .replace(
              this,
              "agent-mux",
              new MuxConnection(
                  MuxConnection.Role.ACCEPTOR,
                  "broker",
                  dialer,
                  w.window(),
                  settings.maxStreams(),
                  (reason, labels) -> log.warn("agent connection lost: {}", reason)));
      welcomed.complete(true);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      log.warn("agent connection failed: {}", cause.getMessage());
      ctx.close();
    }
  }
}
