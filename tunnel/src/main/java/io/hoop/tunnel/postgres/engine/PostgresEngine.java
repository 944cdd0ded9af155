package io.hoop.tunnel.postgres.engine;

import static java.util.Objects.requireNonNull;

import io.hoop.tunnel.postgres.codec.BackendDecoder;
import io.hoop.tunnel.postgres.codec.FrontendDecoder;
import io.hoop.tunnel.postgres.engine.internal.UpstreamLogin;
import io.hoop.tunnel.postgres.guard.Decision;
import io.hoop.tunnel.postgres.guard.GuardrailPolicy;
import io.hoop.tunnel.postgres.guard.Rules;
import io.hoop.tunnel.postgres.message.DecodeFailure;
import io.hoop.tunnel.postgres.message.PostgresMessage;
import io.hoop.tunnel.postgres.message.backend.AuthenticationOk;
import io.hoop.tunnel.postgres.message.backend.BackendKeyData;
import io.hoop.tunnel.postgres.message.backend.BackendMessage;
import io.hoop.tunnel.postgres.message.backend.ErrorResponse;
import io.hoop.tunnel.postgres.message.backend.Field;
import io.hoop.tunnel.postgres.message.backend.NegotiateProtocolVersion;
import io.hoop.tunnel.postgres.message.backend.ReadyForQuery;
import io.hoop.tunnel.postgres.message.backend.ReadyForQuery.TransactionStatus;
import io.hoop.tunnel.postgres.message.frontend.CancelRequest;
import io.hoop.tunnel.postgres.message.frontend.Flush;
import io.hoop.tunnel.postgres.message.frontend.FrontendMessage;
import io.hoop.tunnel.postgres.message.frontend.FunctionCall;
import io.hoop.tunnel.postgres.message.frontend.GssEncRequest;
import io.hoop.tunnel.postgres.message.frontend.Parse;
import io.hoop.tunnel.postgres.message.frontend.Query;
import io.hoop.tunnel.postgres.message.frontend.SslRequest;
import io.hoop.tunnel.postgres.message.frontend.StartupMessage;
import io.hoop.tunnel.postgres.message.frontend.Sync;
import io.hoop.tunnel.postgres.message.frontend.Terminate;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL engine of one tunnel: it ends the client's startup itself, logs in upstream with
 * the broker-held role (the client's user and password are ignored), gives the client its own
 * BackendKeyData, then checks every Query and Parse against the guardrails while relaying.
 *
 * <p>It sits in front of the byte relay on both channels: decoded messages the engine lets through
 * are re-encoded and handed to the relay, which keeps doing backpressure, half-close, byte counts
 * and the grant deadline. Everything runs on the tunnel's one event loop.
 */
public final class PostgresEngine {
  /** The engine name in {@code TunnelAuthorization.engine()}. */
  public static final String NAME = "postgres";

  private static final Logger log = LoggerFactory.getLogger(PostgresEngine.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  /** Clients should wait for ReadyForQuery; a few pipelined messages are kept, a flood is not. */
  private static final int MAX_EARLY_MESSAGES = 64;

  private static final Set<String> FALSE_WORDS = Set.of("false", "off", "no", "0");

  private enum State {
    STARTUP,
    AUTHENTICATING,
    READY,
    CLOSED
  }

  /** What the client is owed next, in order: an upstream ReadyForQuery or a local reply. */
  private sealed interface Pending permits UpstreamReady, LocalReply {}

  /** An upstream ReadyForQuery is due; {@code forward} is false for a Sync the engine added. */
  private record UpstreamReady(boolean forward) implements Pending {}

  /** An error (or null) and possibly a ReadyForQuery the engine answers itself. */
  private record LocalReply(ErrorResponse error, boolean ready) implements Pending {}

  private final Channel client;
  private final Channel upstream;
  private final PostgresSettings settings;
  private final Rules rules;
  private final String target;
  private final String label;
  private final BackendKeyData clientKey =
      new BackendKeyData(RANDOM.nextInt() & Integer.MAX_VALUE, RANDOM.nextInt());
  private final Deque<Pending> pending = new ArrayDeque<>();
  private final List<FrontendMessage> early = new ArrayList<>();

  private State state = State.STARTUP;
  private UpstreamLogin login;
  private boolean authenticated;
  // Kept for mapping a client CancelRequest to the real backend, which is not built yet.
  private BackendKeyData upstreamKey;
  private TransactionStatus status = TransactionStatus.IDLE;
  private ChannelHandlerContext clientCtx;
  private boolean batchForwarded;
  private boolean discarding;

  private PostgresEngine(
      Channel client, Channel upstream, PostgresSettings settings, String target, String label) {
    this.client = client;
    this.upstream = upstream;
    this.settings = settings;
    this.rules = settings == null ? Rules.none() : settings.rules();
    this.target = target;
    this.label = label;
  }

  /**
   * Installs the engine in front of the relay handlers named {@code relayHandler} on both channels,
   * before the relay starts reading.
   *
   * @param client the framed tunnel channel, whose inbound DATA is the client's byte stream
   * @param upstream the TCP channel to the PostgreSQL server
   * @param settings the target's settings; without postgres settings (or null) every client gets a
   *     FATAL
   * @param target target name, shown in errors
   * @param label identifies the tunnel in logs; no secrets
   */
  public static void install(
      Channel client,
      Channel upstream,
      String relayHandler,
      EngineSettings settings,
      String target,
      String label) {
    PostgresEngine engine =
        new PostgresEngine(
            requireNonNull(client, "client"),
            requireNonNull(upstream, "upstream"),
            settings == null ? null : settings.postgres(),
            requireNonNull(target, "target"),
            requireNonNull(label, "label"));
    client.pipeline().addBefore(relayHandler, "pg-frontend-decoder", new FrontendDecoder());
    client.pipeline().addBefore(relayHandler, "pg-client", engine.new ClientSide());
    upstream.pipeline().addBefore(relayHandler, "pg-backend-decoder", new BackendDecoder());
    upstream.pipeline().addBefore(relayHandler, "pg-upstream", engine.new UpstreamSide());
  }

  // ---- client side -------------------------------------------------------------------------

  private void onClient(FrontendMessage message) {
    switch (state) {
      case STARTUP -> onStartup(message);
      case AUTHENTICATING -> {
        if (early.size() >= MAX_EARLY_MESSAGES) {
          fatal("08P01", "the client sent " + early.size() + " messages before ReadyForQuery");
        } else {
          early.add(message);
        }
      }
      case READY -> guard(message);
      case CLOSED -> {}
    }
  }

  private void onStartup(FrontendMessage message) {
    if (message instanceof SslRequest || message instanceof GssEncRequest) {
      // The hop to the broker is already TLS; the client may go on in plaintext.
      client.writeAndFlush(client.alloc().buffer(1).writeByte('N'));
    } else if (message instanceof CancelRequest) {
      log.info("postgres cancel request ignored {}: cancel mapping is not supported yet", label);
      state = State.CLOSED;
      upstream.close();
    } else if (message instanceof StartupMessage startup) {
      startUpstream(startup);
    } else {
      fatal("08P01", "expected a StartupMessage first, got " + message.getClass().getSimpleName());
    }
  }

  private void startUpstream(StartupMessage startup) {
    if (settings == null) {
      fatal(
          "28000", "target " + target + " has no PostgreSQL credentials configured in the broker");
      return;
    }
    String replication = startup.parameters().get("replication");
    if (replication != null
        && !FALSE_WORDS.contains(replication.toLowerCase(java.util.Locale.ROOT))) {
      fatal("28000", "replication connections are not allowed through hoop");
      return;
    }
    Map<String, String> parameters = new LinkedHashMap<>();
    parameters.put("user", settings.user());
    String database = startup.parameters().get("database");
    parameters.put(
        "database", database == null || database.isBlank() ? settings.defaultDatabase() : database);
    startup
        .parameters()
        .forEach(
            (name, value) -> {
              if (!name.equals("user") && !name.equals("database") && !name.equals("replication")) {
                parameters.put(name, value);
              }
            });
    state = State.AUTHENTICATING;
    login = new UpstreamLogin(settings.user(), settings.password().reveal());
    log.debug(
        "postgres login {} role={} database={}",
        label,
        settings.user(),
        parameters.get("database"));
    upstream.writeAndFlush(encode(upstream.alloc(), StartupMessage.of(parameters)));
  }

  private void guard(FrontendMessage message) {
    if (discarding) {
      // After a blocked Parse the server would skip everything up to Sync; so do we.
      if (message instanceof Sync) {
        discarding = false;
        batchForwarded = false;
        reply(null, true);
      }
      return;
    }
    if (message instanceof Query query) {
      Decision decision = GuardrailPolicy.decide(query.sql(), rules);
      if (!decision.allowed()) {
        blocked(decision);
        reply(denial(decision), true);
        return;
      }
      pending.add(new UpstreamReady(true));
    } else if (message instanceof Parse parse) {
      Decision decision = GuardrailPolicy.decide(parse.sql(), rules);
      if (!decision.allowed()) {
        blocked(decision);
        if (batchForwarded) {
          // Close the part of the batch already sent, so its replies precede our error.
          toUpstream(Sync.INSTANCE);
          pending.add(new UpstreamReady(false));
        }
        reply(denial(decision), false);
        discarding = true;
        return;
      }
      batchForwarded = true;
    } else if (message instanceof Sync) {
      batchForwarded = false;
      pending.add(new UpstreamReady(true));
    } else if (message instanceof FunctionCall && !rules.isEmpty()) {
      Decision decision =
          Decision.deny(
              "function-call",
              "statement blocked by guardrail function-call: fast-path function calls bypass"
                  + " the SQL guardrails and are not allowed on this target");
      blocked(decision);
      reply(denial(decision), true);
      return;
    } else if (message instanceof FunctionCall) {
      pending.add(new UpstreamReady(true));
    } else if (!(message instanceof Flush) && !(message instanceof Terminate)) {
      batchForwarded = true;
    }
    toUpstream(message);
  }

  private void blocked(Decision decision) {
    log.info("postgres statement blocked {} rule={}", label, decision.ruleName());
  }

  private static ErrorResponse denial(Decision decision) {
    return ErrorResponse.of("ERROR", "42501", decision.message())
        .with(Field.HINT, "hoop guardrails of this target deny it; ask the target's owner");
  }

  private void toUpstream(FrontendMessage message) {
    // Through the relay, which writes upstream, counts bytes and flushes after the read.
    clientCtx.fireChannelRead(encode(clientCtx.alloc(), message));
  }

  private void reply(ErrorResponse error, boolean ready) {
    if (pending.isEmpty()) {
      emit(error, ready);
    } else {
      pending.add(new LocalReply(error, ready));
    }
  }

  private void emit(ErrorResponse error, boolean ready) {
    if (error != null) {
      client.write(encode(client.alloc(), error));
    }
    if (ready) {
      client.write(encode(client.alloc(), new ReadyForQuery(status)));
    }
    client.flush();
  }

  // ---- upstream side -----------------------------------------------------------------------

  private void onUpstream(ChannelHandlerContext ctx, BackendMessage message) {
    switch (state) {
      case AUTHENTICATING -> {
        if (authenticated) {
          afterLogin(ctx, message);
        } else {
          duringLogin(message);
        }
      }
      case READY -> {
        if (message instanceof ReadyForQuery ready) {
          status = ready.status();
          Pending due = pending.poll();
          if (!(due instanceof UpstreamReady upstreamReady) || upstreamReady.forward()) {
            forward(ctx, message);
          }
          while (pending.peek() instanceof LocalReply local) {
            pending.poll();
            emit(local.error(), local.ready());
          }
        } else {
          forward(ctx, message);
        }
      }
      case STARTUP -> fatal("08P01", "target " + target + " spoke before the client's startup");
      case CLOSED -> {}
    }
  }

  private void duringLogin(BackendMessage message) {
    if (message instanceof AuthenticationOk) {
      authenticated = true;
      log.debug("postgres upstream login succeeded {}", label);
      client.write(encode(client.alloc(), AuthenticationOk.INSTANCE));
      return;
    }
    if (message instanceof ErrorResponse error) {
      fatal(
          error.sqlState() == null ? "28000" : error.sqlState(),
          loginFailed(error.message() == null ? "the server refused the login" : error.message()));
      return;
    }
    if (message instanceof NegotiateProtocolVersion) {
      // Only standard parameters are sent upstream; a downgrade notice needs no answer.
      return;
    }
    try {
      FrontendMessage answer = login.answer(message);
      if (answer != null) {
        upstream.writeAndFlush(encode(upstream.alloc(), answer));
      }
    } catch (UpstreamLogin.LoginFailure e) {
      fatal("28000", loginFailed(e.getMessage()));
    }
  }

  private String loginFailed(String reason) {
    return "hoop could not log in to target "
        + target
        + " as role "
        + settings.user()
        + ": "
        + reason;
  }

  private void afterLogin(ChannelHandlerContext ctx, BackendMessage message) {
    if (message instanceof BackendKeyData key) {
      upstreamKey = key;
      forward(ctx, clientKey);
    } else if (message instanceof ReadyForQuery ready) {
      status = ready.status();
      forward(ctx, message);
      state = State.READY;
      log.debug(
          "postgres session ready {} upstreamPid={}",
          label,
          upstreamKey == null ? -1 : upstreamKey.processId());
      List<FrontendMessage> queued = new ArrayList<>(early);
      early.clear();
      queued.forEach(this::guard);
      upstream.flush();
    } else {
      forward(ctx, message);
    }
  }

  private static void forward(ChannelHandlerContext ctx, PostgresMessage message) {
    ctx.fireChannelRead(encode(ctx.alloc(), message));
  }

  // ---- shared ------------------------------------------------------------------------------

  /** Tells the client why, then closes; the relay then closes the tunnel behind it. */
  private void fatal(String sqlState, String message) {
    if (state == State.CLOSED) {
      return;
    }
    state = State.CLOSED;
    log.info("postgres session failed {} sqlstate={} message=\"{}\"", label, sqlState, message);
    if (client.isActive()) {
      client.writeAndFlush(encode(client.alloc(), ErrorResponse.of("FATAL", sqlState, message)));
    }
    upstream.close();
  }

  private static ByteBuf encode(ByteBufAllocator alloc, PostgresMessage message) {
    ByteBuf buf = alloc.buffer();
    try {
      message.encode(buf);
      return buf;
    } catch (RuntimeException e) {
      buf.release();
      throw e;
    }
  }

  private final class ClientSide extends ChannelInboundHandlerAdapter {
    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      clientCtx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof FrontendMessage message) {
        onClient(message);
      } else if (msg instanceof DecodeFailure failure) {
        fatal("08P01", "hoop could not read the client's message: " + failure.message());
      } else {
        ctx.fireChannelRead(msg);
      }
    }
  }

  private final class UpstreamSide extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof BackendMessage message) {
        onUpstream(ctx, message);
      } else if (msg instanceof DecodeFailure failure) {
        fatal(
            "08P01", "target " + target + " sent a message hoop cannot read: " + failure.message());
      } else {
        ctx.fireChannelRead(msg);
      }
    }
  }
}
