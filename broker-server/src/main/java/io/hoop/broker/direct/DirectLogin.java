package io.hoop.broker.direct;

import io.hoop.engine.postgres.auth.ScramMessages.ScramFormatException;
import io.hoop.engine.postgres.auth.ScramServer;
import io.hoop.engine.postgres.auth.ScramServer.ScramAuthenticationException;
import io.hoop.engine.postgres.codec.FrontendDecoder;
import io.hoop.engine.postgres.engine.PostgresSettings;
import io.hoop.engine.postgres.message.DecodeFailure;
import io.hoop.engine.postgres.message.PostgresMessage;
import io.hoop.engine.postgres.message.backend.AuthenticationSasl;
import io.hoop.engine.postgres.message.backend.AuthenticationSaslContinue;
import io.hoop.engine.postgres.message.backend.AuthenticationSaslFinal;
import io.hoop.engine.postgres.message.backend.ErrorResponse;
import io.hoop.engine.postgres.message.frontend.AuthenticationResponse;
import io.hoop.engine.postgres.message.frontend.CancelRequest;
import io.hoop.engine.postgres.message.frontend.StartupMessage;
import io.hoop.tunnel.engine.EngineSession;
import io.hoop.tunnel.server.DirectClient;
import io.hoop.tunnel.server.TunnelAuthorization;
import io.hoop.tunnel.server.TunnelParty;
import io.hoop.tunnel.server.TunnelRejectedException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authenticates a direct PostgreSQL client inside TLS: its startup names the grant as user, it
 * proves the grant's password with SCRAM-SHA-256, the grant is authorized like a tunnel's, and the
 * connection is then handed to the tunnel server, which installs the postgres engine on it exactly
 * as on a tunnel; the startup the client sent is replayed to the engine. A failure is a FATAL
 * ErrorResponse in the client's protocol (28P01 for a wrong password, never saying whether the user
 * exists) and an audited refusal.
 */
final class DirectLogin extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(DirectLogin.class);

  /** Authentication messages are small; a larger one is a hostile client. */
  static final int MAX_LOGIN_MESSAGE_BYTES = 8 * 1024;

  /** Messages a client may pipeline before its session is ready, as the engine allows. */
  private static final int MAX_EARLY_MESSAGES = 64;

  private static final Pattern GRANT_USER = Pattern.compile("g-[A-Za-z0-9_-]{1,64}");

  private enum State {
    STARTUP,
    /** The credential is being read (from the store, with replicas): what comes is queued. */
    LOOKUP,
    SASL_INITIAL,
    SASL_RESPONSE,
    STARTING,
    HANDED_OVER,
    CLOSED
  }

  private final PostgresDirect direct;
  private final boolean directTls;
  private State state = State.STARTUP;
  private StartupMessage startup;
  private String user;
  private DirectCredentials.Entry entry;
  private ScramServer scram;
  private final List<Object> early = new ArrayList<>();

  private DirectLogin(PostgresDirect direct, boolean directTls) {
    this.direct = direct;
    this.directTls = directTls;
  }

  /**
   * Puts TLS, the message decoder and the login after {@code ctx} and removes {@code ctx}'s handler
   * (what it still holds, a ClientHello, goes on to TLS).
   *
   * @param directTls the client started with a TLS ClientHello: it must have asked for ALPN {@code
   *     postgresql}, as PostgreSQL requires
   */
  static void startTls(ChannelHandlerContext ctx, PostgresDirect direct, boolean directTls) {
    SslHandler tls = direct.ssl().newHandler(ctx.alloc());
    ctx.pipeline().addAfter(ctx.name(), "pg-direct-tls", tls);
    ctx.pipeline()
        .addAfter(
            "pg-direct-tls", "pg-direct-decoder", new FrontendDecoder(MAX_LOGIN_MESSAGE_BYTES));
    ctx.pipeline()
        .addAfter("pg-direct-decoder", "pg-direct-login", new DirectLogin(direct, directTls));
    ctx.pipeline().remove(ctx.handler());
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof SslHandshakeCompletionEvent done) {
      if (!done.isSuccess()) {
        log.debug(
            "postgres direct TLS failed remote={} error={}",
            ctx.channel().remoteAddress(),
            done.cause() == null ? "unknown" : done.cause().getMessage());
        state = State.CLOSED;
        ctx.close();
      } else if (directTls
          && !"postgresql".equals(ctx.pipeline().get(SslHandler.class).applicationProtocol())) {
        refuse(
            ctx,
            "tls_required",
            "a direct TLS connection without ALPN 'postgresql'",
            "08P01",
            "direct TLS requires the ALPN protocol 'postgresql'");
      }
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    switch (state) {
      case STARTUP -> onStartup(ctx, msg);
      case LOOKUP -> queueEarly(ctx, msg);
      case SASL_INITIAL -> onSaslInitial(ctx, msg);
      case SASL_RESPONSE -> onSaslResponse(ctx, msg);
      case STARTING -> queueEarly(ctx, msg);
      case HANDED_OVER -> ctx.fireChannelRead(msg);
      case CLOSED -> ReferenceCountUtil.release(msg);
    }
  }

  private void queueEarly(ChannelHandlerContext ctx, Object msg) {
    if (early.size() >= MAX_EARLY_MESSAGES || msg instanceof DecodeFailure) {
      ReferenceCountUtil.release(msg);
      refuse(
          ctx,
          "protocol_error",
          "the client sent too much before its session was ready",
          "08P01",
          "the client sent too much before its session was ready");
    } else {
      early.add(msg);
    }
  }

  private void onStartup(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof CancelRequest cancel) {
      // PostgreSQL 17's libpq sends its cancel over TLS
      state = State.CLOSED;
      DirectCancel.cancel(ctx.channel(), cancel, direct);
      return;
    }
    if (!(msg instanceof StartupMessage s)) {
      ReferenceCountUtil.release(msg);
      String what = describe(msg);
      refuse(ctx, "protocol_error", "expected a StartupMessage, got " + what, "08P01", what);
      return;
    }
    startup = s;
    user = s.user();
    if (user == null || user.isEmpty()) {
      refuse(
          ctx,
          "bad_user",
          "a startup without a user",
          "28000",
          "no user name: connect as the grant's user (g-...), as `hoop connect --direct` prints");
      return;
    }
    if (!GRANT_USER.matcher(user).matches()) {
      offerSasl(ctx, null);
      return;
    }
    // The credential may live in the store (replicas): read it off the event loop.
    state = State.LOOKUP;
    ctx.channel().config().setAutoRead(false);
    String name = user;
    offLoop(
        ctx,
        () -> direct.credentials().find(name),
        (found, failure) -> {
          if (state != State.LOOKUP) {
            return;
          }
          if (failure != null) {
            log.warn("postgres direct credential lookup failed user={}", name, failure);
            refuse(
                ctx,
                "store_unavailable",
                "the broker could not read the credential of " + printable(name),
                "57P03",
                "the broker cannot check credentials right now (its store is unreachable); try"
                    + " again shortly");
            return;
          }
          offerSasl(ctx, found.orElse(null));
        });
  }

  /**
   * Offers SCRAM against {@code credential}'s verifier, or, for a user without one, against a
   * verifier nothing matches: the exchange looks the same, and ends in 28P01 either way.
   */
  private void offerSasl(ChannelHandlerContext ctx, DirectCredentials.Entry credential) {
    entry = credential;
    scram =
        new ScramServer(
            entry != null ? entry.verifier() : direct.credentials().unknown(user),
            channelBinding(ctx));
    state = State.SASL_INITIAL;
    write(ctx, new AuthenticationSasl(scram.mechanisms()));
    ctx.channel().config().setAutoRead(true);
    List<Object> queued = new ArrayList<>(early);
    early.clear();
    for (Object m : queued) {
      channelRead(ctx, m);
    }
  }

  /** Blocking work for {@link #offLoop}: a store read, an authorization. */
  @FunctionalInterface
  private interface Work<T> {
    T get() throws Exception;
  }

  /**
   * Runs {@code work} on the direct executor (it may block on the store), then {@code then} on this
   * channel's event loop with its result, or with what it threw; a broker shutting down refuses the
   * login.
   */
  private <T> void offLoop(ChannelHandlerContext ctx, Work<T> work, BiConsumer<T, Throwable> then) {
    try {
      direct
          .executor()
          .execute(
              () -> {
                T result = null;
                Throwable failure = null;
                try {
                  result = work.get();
                } catch (Exception | Error e) {
                  failure = e;
                }
                T r = result;
                Throwable f = failure;
                ctx.executor().execute(() -> then.accept(r, f));
              });
    } catch (RejectedExecutionException shuttingDown) {
      refuse(
          ctx,
          "internal_error",
          "the broker is shutting down",
          "57P01",
          "the broker is shutting down");
    }
  }

  /**
   * The {@code tls-server-end-point} data of this connection's certificate, or null (no TLS
   * session, or a certificate whose hash cannot be taken): then only plain SCRAM is offered.
   */
  private static byte[] channelBinding(ChannelHandlerContext ctx) {
    SslHandler tls = ctx.pipeline().get(SslHandler.class);
    if (tls == null) {
      return null;
    }
    java.security.cert.Certificate[] mine = tls.engine().getSession().getLocalCertificates();
    if (mine == null
        || mine.length == 0
        || !(mine[0] instanceof java.security.cert.X509Certificate cert)) {
      return null;
    }
    try {
      return ScramServer.tlsServerEndPoint(cert);
    } catch (java.security.cert.CertificateEncodingException e) {
      return null;
    }
  }

  private void onSaslInitial(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof AuthenticationResponse response)) {
      ReferenceCountUtil.release(msg);
      String what = describe(msg);
      refuse(ctx, "protocol_error", "expected a SASLInitialResponse, got " + what, "08P01", what);
      return;
    }
    AuthenticationResponse.SaslInitial initial;
    try {
      initial = response.saslInitial();
    } catch (RuntimeException e) {
      refuse(
          ctx,
          "protocol_error",
          "a malformed SASLInitialResponse",
          "08P01",
          "malformed SASLInitialResponse");
      return;
    }
    if (!scram.mechanisms().contains(initial.mechanism()) || initial.data() == null) {
      String offered = String.join(", ", scram.mechanisms());
      refuse(
          ctx,
          "bad_mechanism",
          "SASL mechanism '" + printable(initial.mechanism()) + "' (offered: " + offered + ")",
          "28000",
          "only SASL mechanisms " + offered + " are offered");
      return;
    }
    try {
      String serverFirst = scram.serverFirst(initial.mechanism(), initial.data());
      state = State.SASL_RESPONSE;
      write(ctx, new AuthenticationSaslContinue(serverFirst.getBytes(StandardCharsets.UTF_8)));
    } catch (ScramFormatException e) {
      refuse(
          ctx,
          "bad_scram",
          "a malformed SCRAM message: " + e.getMessage(),
          "08P01",
          e.getMessage());
    }
  }

  private void onSaslResponse(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof AuthenticationResponse response)) {
      ReferenceCountUtil.release(msg);
      String what = describe(msg);
      refuse(ctx, "protocol_error", "expected a SASLResponse, got " + what, "08P01", what);
      return;
    }
    String serverFinal;
    try {
      serverFinal = scram.serverFinal(response.saslData());
    } catch (ScramFormatException e) {
      refuse(
          ctx,
          "bad_scram",
          "a malformed SCRAM message: " + e.getMessage(),
          "08P01",
          e.getMessage());
      return;
    } catch (ScramAuthenticationException e) {
      if (entry == null) {
        badPassword(ctx, false);
        return;
      }
      // Counted where every replica sees it; nothing more is read meanwhile. A count the store
      // cannot take is lost, but the lookup before it needs the store too: an outage cannot be
      // used to try passwords uncounted.
      state = State.LOOKUP;
      ctx.channel().config().setAutoRead(false);
      String grantId = entry.grantId();
      offLoop(
          ctx,
          () -> direct.credentials().failed(grantId),
          (burned, failure) -> {
            if (failure != null) {
              log.warn("postgres direct failure count failed grant={}", grantId, failure);
            }
            badPassword(ctx, failure == null && burned);
          });
      return;
    }
    // The proof matched a real credential (an unknown user's verifier matches nothing).
    state = State.STARTING;
    ctx.channel().config().setAutoRead(false);
    write(ctx, new AuthenticationSaslFinal(serverFinal.getBytes(StandardCharsets.UTF_8)));
    DirectCredentials.Entry e = entry;
    offLoop(
        ctx,
        () -> direct.authorizer().authorize(e.grantId(), e.principal()),
        (authorization, failure) -> {
          if (failure instanceof TunnelRejectedException rejected) {
            authorized(ctx, rejected);
          } else if (failure != null) {
            log.error("postgres direct authorization failed grant={}", e.grantId(), failure);
            authorized(
                ctx,
                new TunnelRejectedException(
                    "internal_error", "the broker could not authorize the session"));
          } else {
            authorized(ctx, authorization);
          }
        });
  }

  private void badPassword(ChannelHandlerContext ctx, boolean burned) {
    refuse(
        ctx,
        "bad_password",
        "password authentication failed for user "
            + printable(user)
            + (burned
                ? " (credential burned after " + DirectCredentials.MAX_FAILURES + " failures)"
                : ""),
        "28P01",
        "password authentication failed for user \"" + printable(user) + "\"");
  }

  private void authorized(ChannelHandlerContext ctx, Object outcome) {
    if (state != State.STARTING || !ctx.channel().isActive()) {
      return;
    }
    if (outcome instanceof TunnelRejectedException rejected) {
      refuse(
          ctx,
          rejected.code(),
          rejected.getMessage(),
          "28000",
          rejected.getMessage(),
          new TunnelParty(entry.principal(), entry.grantId(), null, null));
      return;
    }
    TunnelAuthorization authorization = (TunnelAuthorization) outcome;
    TunnelParty party =
        new TunnelParty(
            authorization.principal(), authorization.grantId(), authorization.target(), null);
    if (!(authorization.settings() instanceof PostgresSettings settings)) {
      refuse(
          ctx,
          "wrong_engine",
          "grant "
              + authorization.grantId()
              + " is for target "
              + authorization.target()
              + ", which is not a postgres target",
          "28000",
          "target " + authorization.target() + " is not a postgres target",
          party);
      return;
    }
    String database = startup.database();
    if (database != null && !database.equals(settings.defaultDatabase())) {
      String message =
          "database \""
              + printable(database)
              + "\" is not target "
              + authorization.target()
              + "'s database; connect with dbname="
              + settings.defaultDatabase();
      refuse(ctx, "wrong_database", message, "3D000", message, party);
      return;
    }
    direct
        .tunnels()
        .startDirect(
            ctx.channel(),
            authorization,
            new DirectClient() {
              @Override
              public void installed(EngineSession session) {
                handOver(ctx);
              }

              @Override
              public void refused(String code, String message) {
                state = State.CLOSED;
                fatal(ctx, "upstream_unreachable".equals(code) ? "08006" : "28000", message);
              }
            });
  }

  /** Replays the startup to the engine, then what came after it, and steps aside. */
  private void handOver(ChannelHandlerContext ctx) {
    state = State.HANDED_OVER;
    PostgresDirect.started(ctx.channel());
    ctx.fireChannelRead(encode(ctx, startup));
    List<Object> queued = new ArrayList<>(early);
    early.clear();
    for (Object m : queued) {
      ctx.fireChannelRead(m instanceof PostgresMessage pm ? encode(ctx, pm) : m);
    }
    // Bytes the login decoder still holds come to this handler as a buffer and go on as they are.
    ctx.pipeline().remove("pg-direct-decoder");
    ctx.pipeline().remove(this);
  }

  private void refuse(
      ChannelHandlerContext ctx, String code, String audit, String sqlState, String message) {
    refuse(ctx, code, audit, sqlState, message, null);
  }

  private void refuse(
      ChannelHandlerContext ctx,
      String code,
      String audit,
      String sqlState,
      String message,
      TunnelParty party) {
    if (state == State.CLOSED) {
      return;
    }
    state = State.CLOSED;
    for (Object m : early) {
      ReferenceCountUtil.release(m);
    }
    early.clear();
    direct.refused(ctx.channel(), code, "postgres direct access refused: " + audit, party);
    fatal(ctx, sqlState, message);
  }

  private static void fatal(ChannelHandlerContext ctx, String sqlState, String message) {
    if (!ctx.channel().isActive()) {
      ctx.close();
      return;
    }
    ctx.writeAndFlush(encode(ctx, ErrorResponse.of("FATAL", sqlState, "hoop: " + message)))
        .addListener(ChannelFutureListener.CLOSE);
  }

  private static void write(ChannelHandlerContext ctx, PostgresMessage message) {
    ctx.writeAndFlush(encode(ctx, message));
  }

  private static ByteBuf encode(ChannelHandlerContext ctx, PostgresMessage message) {
    ByteBuf buf = ctx.alloc().buffer();
    message.encode(buf);
    return buf;
  }

  private static String describe(Object msg) {
    if (msg instanceof DecodeFailure failure) {
      return "a malformed message (" + failure.message() + ")";
    }
    return msg == null ? "nothing" : msg.getClass().getSimpleName();
  }

  /** A client-sent name for an audit line: bounded and printable. */
  private static String printable(String value) {
    if (value == null) {
      return "";
    }
    String cut = value.length() > 64 ? value.substring(0, 64) + "..." : value;
    return cut.replaceAll("[^\\x20-\\x7e]", "?");
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    // A client gone while its credential or grant is being read: the answer finds CLOSED.
    if (state != State.HANDED_OVER) {
      state = State.CLOSED;
      early.forEach(ReferenceCountUtil::release);
      early.clear();
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("postgres direct login failed remote={}", ctx.channel().remoteAddress(), cause);
    state = State.CLOSED;
    ctx.close();
  }

  @Override
  public String toString() {
    return "DirectLogin[state=" + state + ", user=" + user + "]";
  }
}
