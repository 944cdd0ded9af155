package io.hoop.engine.postgres.engine;

import static java.util.Objects.requireNonNull;

import io.hoop.engine.postgres.codec.BackendDecoder;
import io.hoop.engine.postgres.codec.FrontendDecoder;
import io.hoop.engine.postgres.codec.RawDataRow;
import io.hoop.engine.postgres.engine.Pending.LocalReply;
import io.hoop.engine.postgres.engine.internal.CancelRegistry;
import io.hoop.engine.postgres.engine.internal.Recording;
import io.hoop.engine.postgres.engine.internal.UpstreamLogin;
import io.hoop.engine.postgres.engine.internal.UpstreamTlsHandlers;
import io.hoop.engine.postgres.guard.Decision;
import io.hoop.engine.postgres.guard.GuardrailPolicy;
import io.hoop.engine.postgres.message.DecodeFailure;
import io.hoop.engine.postgres.message.PostgresMessage;
import io.hoop.engine.postgres.message.backend.AuthenticationOk;
import io.hoop.engine.postgres.message.backend.BackendKeyData;
import io.hoop.engine.postgres.message.backend.BackendMessage;
import io.hoop.engine.postgres.message.backend.EncryptionResponse;
import io.hoop.engine.postgres.message.backend.ErrorResponse;
import io.hoop.engine.postgres.message.backend.Field;
import io.hoop.engine.postgres.message.backend.NegotiateProtocolVersion;
import io.hoop.engine.postgres.message.backend.NoticeResponse;
import io.hoop.engine.postgres.message.backend.ReadyForQuery;
import io.hoop.engine.postgres.message.frontend.CancelRequest;
import io.hoop.engine.postgres.message.frontend.FrontendMessage;
import io.hoop.engine.postgres.message.frontend.GssEncRequest;
import io.hoop.engine.postgres.message.frontend.SslRequest;
import io.hoop.engine.postgres.message.frontend.StartupMessage;
import io.hoop.tunnel.engine.EngineContext;
import io.hoop.tunnel.engine.EngineSession;
import io.hoop.tunnel.engine.EngineSettings;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.handler.ssl.SslHandler;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL engine's session of one tunnel: it ends the client's startup itself, logs in
 * upstream with the broker-held role (the client's user and password are ignored), gives the client
 * its own BackendKeyData, then checks every Query and Parse against the guardrails, masks result
 * rows and COPY data, and records every statement while relaying.
 *
 * <p>It sits in front of the byte relay on both channels: decoded messages the engine lets through
 * are re-encoded whole and handed to the relay, which keeps doing backpressure, half-close, byte
 * counts and the grant deadline. Everything runs on the tunnel's one event loop, so a goodbye or a
 * notice written by the engine always falls between two whole messages. This class holds the
 * session's lifecycle (startup, upstream TLS and login, cancel, goodbye, the batch of messages for
 * the client); the statement flow is in {@link Requests} and {@link Responses}, paired through the
 * {@link Pending} queue. It is over the house norm because the lifecycle's phases share state.
 */
public final class PostgresSession implements EngineSession {
  private static final Logger log = LoggerFactory.getLogger(PostgresSession.class);

  /** Clients should wait for ReadyForQuery; a few pipelined messages are kept, a flood is not. */
  private static final int MAX_EARLY_MESSAGES = 64;

  /** Messages for the client are gathered up to this size before the relay gets them. */
  private static final int BATCH_BYTES = 32 * 1024;

  /** Rows at least this large are relayed as they came instead of being copied into the batch. */
  private static final int COPY_LIMIT = 8 * 1024;

  private static final Set<String> FALSE_WORDS = Set.of("false", "off", "no", "0");

  private enum State {
    STARTUP,
    TLS,
    AUTHENTICATING,
    LOADING,
    READY,
    CLOSED
  }

  private final Channel client;
  private final Channel upstream;
  private final PostgresSettings settings;
  private final String target;
  private final String label;
  private final Deque<Pending> pending = new ArrayDeque<>();
  private final List<FrontendMessage> early = new ArrayList<>();

  private State state = State.STARTUP;
  private StartupMessage upstreamStartup;
  private UpstreamLogin login;
  private boolean authenticated;
  private BackendKeyData clientKey;
  private ChannelHandlerContext clientCtx;
  private final Requests requests;
  private final Responses responses;
  // The login's ReadyForQuery while the catalog is read; the client gets it after.
  ReadyForQuery heldReady;
  private String heldNotice;
  private boolean terminated;
  private boolean sentFatal;
  private ChannelHandlerContext upstreamCtx;
  private ByteBuf batch;

  private PostgresSession(
      Channel client, Channel upstream, PostgresSettings settings, String target, String label) {
    this.client = client;
    this.upstream = upstream;
    this.settings = settings;
    Lineages lineages = settings == null ? null : new Lineages(settings.masking());
    this.requests = settings == null ? null : new Requests(this, pending, settings, lineages);
    this.responses =
        settings == null ? null : new Responses(this, requests, pending, settings, lineages);
    this.target = target;
    this.label = label;
  }

  /**
   * Installs the engine in front of the relay handlers named {@code relayHandler} on both channels,
   * before the relay starts reading.
   *
   * @param context the tunnel: client (framed, whose inbound DATA is the client's byte stream), the
   *     TCP channel to the PostgreSQL server, the relay handler's name, the authorization whose
   *     settings are {@link PostgresSettings} (any other settings, or null, and every client gets a
   *     FATAL), and the log label
   * @return the session, for goodbyes and notices from the tunnel's deadline
   */
  static PostgresSession install(EngineContext context) {
    EngineSettings settings = context.authorization().settings();
    Channel client = context.client();
    Channel upstream = context.upstream();
    String relayHandler = context.relayHandler();
    PostgresSession engine =
        new PostgresSession(
            client,
            upstream,
            settings instanceof PostgresSettings pg ? pg : null,
            requireNonNull(context.authorization().target(), "target"),
            context.label());
    boolean tls =
        engine.settings != null && engine.settings.tls().mode() != UpstreamTls.Mode.DISABLE;
    client.pipeline().addBefore(relayHandler, "pg-frontend-decoder", new FrontendDecoder());
    client.pipeline().addBefore(relayHandler, "pg-client", engine.new ClientSide());
    upstream
        .pipeline()
        .addBefore(
            relayHandler,
            "pg-backend-decoder",
            new BackendDecoder(tls, BackendDecoder.DEFAULT_MAX_MESSAGE_BYTES, true));
    upstream.pipeline().addBefore(relayHandler, "pg-upstream", engine.new UpstreamSide());
    upstream.closeFuture().addListener(f -> engine.forgetCancelKey());
    client.closeFuture().addListener(f -> engine.clientClosed());
    return engine;
  }

  /**
   * Ends the session for the broker (grant expired, revoked, broker shutdown): the client gets a
   * FATAL 57P01 with {@code message}, between two whole messages. The caller closes the tunnel
   * right after. On the event loop.
   */
  @Override
  public void goodbye(String code, String message, String detail) {
    if (state == State.CLOSED || sentFatal || !client.isActive()) {
      return;
    }
    state = State.CLOSED;
    sentFatal = true;
    ErrorResponse error = ErrorResponse.of("FATAL", "57P01", message);
    if (detail != null && !detail.isBlank()) {
      error = error.with(Field.DETAIL, detail);
    }
    pushBatch();
    client.writeAndFlush(encode(client.alloc(), error));
  }

  /**
   * Warns the client with a NoticeResponse (WARNING); before the session is ready it is held and
   * sent just before the first ReadyForQuery. On the event loop.
   */
  @Override
  public void expiresSoon(String message) {
    if (state == State.CLOSED || !client.isActive()) {
      return;
    }
    if (state != State.READY) {
      heldNotice = message;
      return;
    }
    pushBatch();
    client.writeAndFlush(encode(client.alloc(), NoticeResponse.of("WARNING", "01000", message)));
  }

  // ---- client side -------------------------------------------------------------------------

  private void onClient(FrontendMessage message) {
    switch (state) {
      case STARTUP -> onStartup(message);
      case TLS, AUTHENTICATING, LOADING -> {
        if (early.size() >= MAX_EARLY_MESSAGES) {
          fatal("08P01", "the client sent " + early.size() + " messages before ReadyForQuery");
        } else {
          early.add(message);
        }
      }
      case READY -> requests.guard(message);
      case CLOSED -> {}
    }
  }

  private void onStartup(FrontendMessage message) {
    if (message instanceof SslRequest || message instanceof GssEncRequest) {
      // The hop to the broker is already TLS; the client may go on in plaintext.
      client.writeAndFlush(client.alloc().buffer(1).writeByte('N'));
    } else if (message instanceof CancelRequest cancel) {
      cancel(cancel);
    } else if (message instanceof StartupMessage startup) {
      startUpstream(startup);
    } else {
      fatal("08P01", "expected a StartupMessage first, got " + message.getClass().getSimpleName());
    }
  }

  private void cancel(CancelRequest request) {
    state = State.CLOSED;
    CancelRegistry.Target found =
        CancelRegistry.SHARED.lookup(request.processId(), request.secretKey());
    if (found == null) {
      // Like PostgreSQL: an unknown key gets no answer, so keys cannot be probed.
      log.debug("postgres cancel request with an unknown key {}", label);
      upstream.close();
      return;
    }
    if (!found.upstream().equals(upstream.remoteAddress())) {
      log.info("postgres cancel request for another upstream dropped {}", label);
      upstream.close();
      return;
    }
    log.info("postgres cancel request {} upstreamPid={}", label, found.key().processId());
    if (found.onCancel() != null && found.onCancel().getAsBoolean()) {
      // A statement held for a reviewer lives in the other session: it ends there, and the server,
      // running nothing of it, must not cancel its next statement.
      upstream.close();
      return;
    }
    CancelRequest real = new CancelRequest(found.key().processId(), found.key().secretKey());
    // This tunnel dialed the same server for its own session: its fresh connection carries it.
    upstream.writeAndFlush(encode(upstream.alloc(), real)).addListener(ChannelFutureListener.CLOSE);
  }

  private void startUpstream(StartupMessage startup) {
    if (settings == null) {
      fatal(
          "28000", "target " + target + " has no PostgreSQL credentials configured in the broker");
      return;
    }
    String replication = startup.parameters().get("replication");
    if (replication != null && !FALSE_WORDS.contains(replication.toLowerCase(Locale.ROOT))) {
      fatal("28000", "replication connections are not allowed through hoop");
      return;
    }
    Decision startupRule =
        GuardrailPolicy.decideStartup(
            startup.parameters().keySet(), startup.parameters().get("options"), settings.rules());
    if (!startupRule.allowed()) {
      log.info("postgres startup blocked {} rule={}", label, startupRule.ruleName());
      record(
          new Recording("<startup parameters " + startup.parameters().keySet() + ">", List.of())
              .blocked(startupRule.ruleName()));
      fatal("42501", startupRule.message());
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
    upstreamStartup = StartupMessage.of(parameters);
    boolean tls = settings.tls().mode() != UpstreamTls.Mode.DISABLE;
    login = new UpstreamLogin(settings.user(), settings.password().reveal(), tls);
    log.debug("postgres login {} role={} database={}", label, settings.user(), database);
    if (tls) {
      state = State.TLS;
      upstream.writeAndFlush(encode(upstream.alloc(), SslRequest.INSTANCE));
    } else {
      state = State.AUTHENTICATING;
      upstream.writeAndFlush(encode(upstream.alloc(), upstreamStartup));
    }
  }

  private void onEncryptionResponse(EncryptionResponse response) {
    if (response.answer() != 'S') {
      fatal(
          "08006",
          "hoop: target "
              + target
              + " does not accept TLS, but the broker requires TLS to it (sslmode "
              + settings.tls().mode().name().toLowerCase(Locale.ROOT).replace('_', '-')
              + ")");
      return;
    }
    SslHandler tls;
    try {
      tls =
          UpstreamTlsHandlers.handler(
              settings.tls(), upstream.alloc(), (InetSocketAddress) upstream.remoteAddress());
    } catch (UncheckedIOException e) {
      fatal("08006", "hoop: " + e.getCause().getMessage());
      return;
    }
    upstream.pipeline().addFirst("pg-tls", tls);
    tls.handshakeFuture()
        .addListener(
            f -> {
              if (state != State.TLS) {
                return;
              }
              if (f.isSuccess()) {
                state = State.AUTHENTICATING;
                upstream.writeAndFlush(encode(upstream.alloc(), upstreamStartup));
              } else {
                fatal("08006", "hoop: TLS to target " + target + " failed: " + reason(f.cause()));
              }
            });
    upstream.read();
  }

  void toUpstream(FrontendMessage message) {
    // Through the relay, which writes upstream, counts bytes and flushes after the read.
    clientCtx.fireChannelRead(encode(clientCtx.alloc(), message));
  }

  void reply(ErrorResponse error, boolean ready) {
    if (pending.isEmpty()) {
      emit(error, ready);
    } else {
      pending.add(new LocalReply(error, ready));
    }
  }

  void emit(ErrorResponse error, boolean ready) {
    pushBatch();
    if (error != null) {
      client.write(encode(client.alloc(), error));
    }
    if (ready) {
      client.write(encode(client.alloc(), new ReadyForQuery(responses.status())));
    }
    client.flush();
  }

  void record(QueryEvent event) {
    try {
      settings.listener().onEvent(event);
    } catch (RuntimeException e) {
      log.warn("postgres query listener failed {}", label, e);
    }
  }

  // ---- upstream side -----------------------------------------------------------------------

  private void onUpstream(ChannelHandlerContext ctx, BackendMessage message) {
    switch (state) {
      case TLS -> {
        if (message instanceof EncryptionResponse response) {
          onEncryptionResponse(response);
        } else {
          fatal("08P01", "target " + target + " did not answer the SSLRequest");
        }
      }
      case AUTHENTICATING -> {
        if (authenticated) {
          afterLogin(ctx, message);
        } else {
          duringLogin(message);
        }
      }
      case LOADING, READY -> responses.onResponse(ctx, message);
      case STARTUP -> fatal("08P01", "target " + target + " spoke before the client's startup");
      case CLOSED -> {}
    }
  }

  private void duringLogin(BackendMessage message) {
    if (message instanceof AuthenticationOk) {
      authenticated = true;
      log.debug("postgres upstream login succeeded {}", label);
      pushBatch();
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
      clientKey =
          CancelRegistry.SHARED.register(
              new CancelRegistry.Target(
                  upstream.remoteAddress(), key, this::cancelHeld, settings.connector()));
      forward(ctx, clientKey);
    } else if (message instanceof ReadyForQuery ready) {
      if (responses.needsCatalog()) {
        // The client waits for its ReadyForQuery until masking knows the columns.
        heldReady = ready;
        state = State.LOADING;
        responses.loadCatalog(true);
      } else {
        becomeReady(ctx, ready);
      }
    } else if (message instanceof ErrorResponse error) {
      forward(ctx, error);
    } else {
      forward(ctx, message);
    }
  }

  void becomeReady(ChannelHandlerContext ctx, ReadyForQuery ready) {
    if (heldNotice != null) {
      forward(ctx, NoticeResponse.of("WARNING", "01000", heldNotice));
      heldNotice = null;
    }
    forward(ctx, ready);
    state = State.READY;
    log.debug("postgres session ready {}", label);
    List<FrontendMessage> queued = new ArrayList<>(early);
    early.clear();
    queued.forEach(requests::guard);
    upstream.flush();
  }

  /**
   * Queues {@code message} for the client in the current batch: one buffer per upstream read
   * instead of one per message, so the tunnel sends few large DATA frames.
   */
  void forward(ChannelHandlerContext ctx, PostgresMessage message) {
    if (batch == null) {
      batch = ctx.alloc().buffer(BATCH_BYTES);
    }
    int mark = batch.writerIndex();
    try {
      message.encode(batch);
    } catch (RuntimeException e) {
      batch.writerIndex(mark);
      throw e;
    }
    if (batch.readableBytes() >= BATCH_BYTES) {
      pushBatch();
    }
  }

  /** Queues a whole message that arrived as bytes; large ones go on without a copy. */
  void forwardFrame(ChannelHandlerContext ctx, ByteBuf frame) {
    if (frame.readableBytes() >= COPY_LIMIT) {
      pushBatch();
      ctx.fireChannelRead(frame);
      return;
    }
    if (batch == null) {
      batch = ctx.alloc().buffer(BATCH_BYTES);
    }
    batch.writeBytes(frame);
    frame.release();
    if (batch.readableBytes() >= BATCH_BYTES) {
      pushBatch();
    }
  }

  /** Hands the batch to the relay; before anything is written to the client another way. */
  private void pushBatch() {
    if (batch != null) {
      ByteBuf out = batch;
      batch = null;
      upstreamCtx.fireChannelRead(out);
    }
  }

  // ---- shared ------------------------------------------------------------------------------

  /** Whether the session is ready (logged in, catalog read). */
  boolean ready() {
    return state == State.READY;
  }

  String target() {
    return target;
  }

  /** The transaction status of the server's last ReadyForQuery. */
  ReadyForQuery.TransactionStatus serverStatus() {
    return responses.status();
  }

  String label() {
    return label;
  }

  /** The client said goodbye: the server's close that follows is no surprise. */
  void terminating() {
    terminated = true;
  }

  /** The client sent Terminate: the server's close that follows is the client's doing. */
  @Override
  public boolean clientEnded() {
    return terminated;
  }

  /** The server sent the client its own FATAL: no second one when it closes. */
  void serverSentFatal() {
    sentFatal = true;
  }

  /** Writes a message of the engine's own straight to the server. */
  void toServer(FrontendMessage message) {
    upstream.writeAndFlush(encode(upstream.alloc(), message));
  }

  /** Writes messages of the engine's own straight to the server, in one flush. */
  void toServer(List<FrontendMessage> messages) {
    ByteBuf buf = upstream.alloc().buffer();
    try {
      for (FrontendMessage message : messages) {
        message.encode(buf);
      }
    } catch (RuntimeException e) {
      buf.release();
      throw e;
    }
    upstream.writeAndFlush(buf);
  }

  /** Tells the client why, then closes; the relay then closes the tunnel behind it. */
  void fatal(String sqlState, String message) {
    if (state == State.CLOSED) {
      return;
    }
    state = State.CLOSED;
    log.info("postgres session failed {} sqlstate={} message=\"{}\"", label, sqlState, message);
    if (client.isActive() && !sentFatal) {
      sentFatal = true;
      pushBatch();
      client.writeAndFlush(encode(client.alloc(), ErrorResponse.of("FATAL", sqlState, message)));
    }
    upstream.close();
  }

  private void upstreamLost() {
    if (state == State.CLOSED || state == State.STARTUP || terminated || sentFatal) {
      return;
    }
    fatal(
        "08006",
        "hoop: target "
            + target
            + " closed the connection"
            + (state == State.TLS ? " during the TLS negotiation" : ""));
  }

  /** Where held statements wait for their decision: the tunnel's one event loop. */
  EventLoop eventLoop() {
    return client.eventLoop();
  }

  /** Whether {@code sql} may read ruled data, by the catalog's lineage (true while unknown). */
  boolean mayReadRuled(String sql) {
    return responses.mayReadRuled(sql);
  }

  /** Tells the client about its held statement (psql prints it while it waits). */
  void notice(String text) {
    if (state == State.CLOSED || !client.isActive()) {
      return;
    }
    pushBatch();
    client.writeAndFlush(encode(client.alloc(), NoticeResponse.of("NOTICE", "00000", text)));
  }

  /** Sends what the engine handed the relay outside a read of the client's. */
  void flushUpstream() {
    upstream.flush();
  }

  /** Another thread's CancelRequest: true when a statement is held, then refused here. */
  private boolean cancelHeld() {
    if (!requests.holding()) {
      return false;
    }
    client.eventLoop().execute(requests::cancelHold);
    return true;
  }

  private void clientClosed() {
    if (requests != null) {
      requests.closed();
    }
  }

  private void forgetCancelKey() {
    if (clientKey != null) {
      CancelRegistry.SHARED.remove(clientKey);
    }
  }

  private static String reason(Throwable cause) {
    Throwable root = cause;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
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
    public void handlerAdded(ChannelHandlerContext ctx) {
      upstreamCtx = ctx;
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      pushBatch();
      ctx.fireChannelReadComplete();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof RawDataRow raw) {
        if (state == State.READY || state == State.LOADING) {
          responses.onDataRow(ctx, raw);
        } else if (state == State.CLOSED) {
          raw.frame().release();
        } else {
          raw.frame().release();
          fatal("08P01", "target " + target + " sent a DataRow before the session was ready");
        }
      } else if (msg instanceof BackendMessage message) {
        onUpstream(ctx, message);
      } else if (msg instanceof DecodeFailure failure) {
        fatal(
            "08P01", "target " + target + " sent a message hoop cannot read: " + failure.message());
      } else {
        ctx.fireChannelRead(msg);
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      pushBatch();
      upstreamLost();
      ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      if (state == State.TLS) {
        // The handshake future reports it with the reason; the relay closes the channel.
        log.debug("postgres upstream TLS failed {}", label, cause);
      }
      ctx.fireExceptionCaught(cause);
    }
  }
}
