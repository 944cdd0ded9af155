package io.hoop.engine.http.proxy;

import io.hoop.engine.http.ExchangeDecision;
import io.hoop.engine.http.HttpRequestBlocked;
import io.hoop.engine.http.HttpRequestStep;
import io.hoop.engine.http.HttpSettings;
import io.hoop.engine.http.UpgradeTap;
import io.hoop.engine.http.config.HttpTarget;
import io.hoop.engine.http.config.RuleAction;
import io.hoop.engine.http.mask.BodyMasker;
import io.hoop.engine.http.mask.JsonMasker.MaskingException;
import io.hoop.engine.http.policy.RequestTarget;
import io.hoop.tunnel.engine.EngineEvent;
import io.hoop.tunnel.engine.Holds;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection of the proxy (one tunnel): decodes the client's HTTP/1.1 requests, checks
 * each against the role's rules, forwards the allowed ones over a kept-alive connection to the
 * target with the role's credential, and streams the answer back, masked when it is JSON. One
 * exchange at a time: pipelined requests wait in order until the one before is answered. Both
 * channels share one event loop; neither reads on its own (auto-read off): the client is read while
 * a request body can be written to the target, the target while the client can take more, so memory
 * per connection stays bounded by the write-buffer watermarks and one chunk.
 *
 * <p>A refused request is answered (400/403/414/431/505, a JSON body naming the rule or the check)
 * and the connection closed, so the broker and the client never disagree on where the refused
 * request's body ends. An allowed upgrade (WebSocket) becomes an opaque byte relay once the target
 * answers 101.
 */
final class ProxyConnection extends ChannelInboundHandlerAdapter {
  static final String CODEC = "hoop-http-codec";
  private static final Logger log = LoggerFactory.getLogger(ProxyConnection.class);

  private enum State {
    IDLE,
    HOLDING,
    CONNECTING,
    FORWARDING,
    UPGRADED,
    CLOSED
  }

  private final HttpProxyServer server;
  private final Deque<Object> pipelined = new ArrayDeque<>();
  private final byte[] scratch = new byte[16 * 1024];
  private Channel client;
  private ProxyTunnel tunnel;
  private Channel upstream;
  private boolean upstreamReady;
  private State state = State.IDLE;
  private Exchange ex;

  ProxyConnection(HttpProxyServer server) {
    this.server = server;
  }

  /** The request being served and what is known about its answer. */
  private static final class Exchange {
    final HttpRequest request;
    final Instant startedAt = Instant.now();
    final long startNanos = System.nanoTime();
    final Deque<HttpContent> body = new ArrayDeque<>();
    final boolean clientKeepAlive;
    RequestTarget target;
    ExchangeDecision decision;
    String rule = "";
    String contentType;
    boolean chunked;
    boolean upgrade;
    boolean requestDone;
    boolean responseStarted;
    boolean upstreamKeepAlive = true;
    boolean skipInformational;
    long requestBytes;
    long responseBytes;
    int status;
    BodyMasker masker;
    UpgradeTap tap;
    Holds.Hold hold;
    boolean recorded;

    Exchange(HttpRequest request) {
      this.request = request;
      this.clientKeepAlive = HttpUtil.isKeepAlive(request);
    }

    boolean head() {
      return request.method().equals(HttpMethod.HEAD);
    }
  }

  // ---- client side ---------------------------------------------------------------------------

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    client = ctx.channel();
    client.read();
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (state == State.CLOSED) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (state == State.UPGRADED) {
      if (msg instanceof ByteBuf data && upstream != null) {
        if (!tapped(data, true)) {
          return;
        }
        ex.requestBytes += data.readableBytes();
        upstream.write(data);
      } else {
        ReferenceCountUtil.release(msg);
      }
      return;
    }
    if (ex != null && (ex.requestDone || !pipelined.isEmpty())) {
      pipelined.add(msg);
      return;
    }
    dispatch(msg);
  }

  private void dispatch(Object msg) {
    if (msg instanceof HttpRequest request) {
      if (msg instanceof HttpContent) {
        // a full request: decoder failures come as one message
        ReferenceCountUtil.release(msg);
      }
      begin(request);
      if (msg instanceof LastHttpContent && ex != null) {
        ex.requestDone = true;
      }
    } else if (msg instanceof HttpContent content) {
      if (ex == null) {
        content.release();
      } else {
        body(content);
      }
    } else {
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (state == State.UPGRADED) {
      if (upstream != null) {
        upstream.flush();
        if (upstream.isWritable()) {
          client.read();
        }
      }
    } else if (ex == null && state == State.IDLE) {
      client.read();
    } else if (ex != null && state == State.FORWARDING && !ex.requestDone) {
      upstream.flush();
      if (upstream.isWritable()) {
        client.read();
      }
    }
    ctx.fireChannelReadComplete();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (client.isWritable() && upstream != null && upstreamReady) {
      upstream.read();
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (ex != null) {
      if (ex.hold != null) {
        ex.hold.cancel();
      }
      if (ex.responseStarted || state == State.UPGRADED) {
        record(ex.status, state == State.UPGRADED ? "" : "the client went away");
      }
      closeTap(ex, "");
      releaseBody(ex);
    }
    state = State.CLOSED;
    pipelined.forEach(ReferenceCountUtil::release);
    pipelined.clear();
    if (upstream != null) {
      upstream.close();
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("http proxy client connection failed", cause);
    ctx.close();
  }

  private void begin(HttpRequest request) {
    ex = new Exchange(request);
    if (tunnel == null) {
      tunnel = server.lookup(client.remoteAddress());
      if (tunnel == null) {
        log.warn(
            "http proxy: a connection from {} is not a tunnel; closed", client.remoteAddress());
        state = State.CLOSED;
        client.close();
        return;
      }
      tunnel.attach(this);
      if (state == State.CLOSED) {
        return;
      }
    }
    RequestGuard.Refusal refusal = RequestGuard.check(request);
    if (refusal != null) {
      refuse(refusal.status(), refusal.check(), refusal.reason());
      return;
    }
    try {
      ex.target = RequestTarget.parse(request.uri());
    } catch (RequestTarget.Refused e) {
      refuse(HttpResponseStatus.BAD_REQUEST, "request.path", e.getMessage());
      return;
    }
    HttpSettings s = tunnel.settings();
    ex.upgrade = RequestGuard.isUpgrade(request);
    ExchangeDecision decision;
    try {
      decision = s.policy().decide(request, ex.target);
    } catch (RuntimeException e) {
      log.warn("http proxy {}: the request policy failed", s.admission().label(), e);
      refuse(HttpResponseStatus.FORBIDDEN, "request.policy", "the request could not be checked");
      return;
    }
    ex.decision = decision;
    ex.rule = decision.rule();
    if (decision.action() == RuleAction.DENY) {
      refuse(HttpResponseStatus.FORBIDDEN, decision.rule(), decision.reason());
    } else if (decision.action() == RuleAction.REVIEW) {
      hold(decision.rule());
    } else {
      forward();
    }
  }

  private void body(HttpContent content) {
    if (content instanceof LastHttpContent) {
      ex.requestDone = true;
    }
    if (state != State.FORWARDING) {
      ex.body.add(content);
      return;
    }
    ex.requestBytes += content.content().readableBytes();
    upstream.write(content).addListener(ChannelFutureListener.FIRE_EXCEPTION_ON_FAILURE);
    if (ex.requestDone) {
      upstream.flush();
    }
  }

  private void refuse(HttpResponseStatus status, String rule, String reason) {
    HttpRequest r = ex.request;
    String method = r.decoderResult().isFailure() ? "?" : r.method().name();
    emit(new HttpRequestBlocked(ex.startedAt, method, r.uri(), status.code(), rule, reason));
    closeWith(reply(status, "request_refused", rule, "hoop: " + reason));
  }

  private void closeWith(Object reply) {
    state = State.CLOSED;
    if (ex != null) {
      releaseBody(ex);
    }
    client.writeAndFlush(reply).addListener(ChannelFutureListener.CLOSE);
    if (upstream != null) {
      upstream.close();
    }
  }

  // ---- review --------------------------------------------------------------------------------

  private void hold(String rule) {
    state = State.HOLDING;
    Exchange held = ex;
    HttpSettings s = tunnel.settings();
    Holds.HoldRequest request =
        new Holds.HoldRequest(
            "request", held.request.method().name() + " " + held.target.uri(), rule);
    CompletableFuture.supplyAsync(() -> s.admission().holds().hold(request), server.holdsExecutor())
        .thenCompose(stage -> stage)
        .thenCompose(
            hold -> {
              client.eventLoop().execute(() -> held.hold = hold);
              log.info(
                  "http request held {} hold={} rule={}", s.admission().label(), hold.id(), rule);
              return hold.decision()
                  .toCompletableFuture()
                  .completeOnTimeout(
                      new Holds.Decision(
                          false,
                          "hoop",
                          "no decision within " + s.target().reviewTimeout().toSeconds() + "s"),
                      s.target().reviewTimeout().toMillis(),
                      TimeUnit.MILLISECONDS)
                  .whenComplete(
                      (d, e) -> {
                        if (e != null || !d.approved()) {
                          hold.cancel();
                        }
                      });
            })
        .whenComplete(
            (decision, failure) ->
                client
                    .eventLoop()
                    .execute(
                        () -> {
                          if (ex != held || state != State.HOLDING) {
                            return;
                          }
                          if (failure != null) {
                            Throwable c = failure.getCause() != null ? failure.getCause() : failure;
                            refuse(
                                HttpResponseStatus.FORBIDDEN,
                                rule,
                                "rule "
                                    + rule
                                    + " needs a review, which failed: "
                                    + c.getMessage());
                          } else if (!decision.approved()) {
                            refuse(
                                HttpResponseStatus.FORBIDDEN,
                                rule,
                                "rule "
                                    + rule
                                    + " needs a review; not approved by "
                                    + decision.by()
                                    + ": "
                                    + decision.reason());
                          } else {
                            forward();
                          }
                        }));
  }

  // ---- forwarding ----------------------------------------------------------------------------

  private void forward() {
    if (HttpUtil.is100ContinueExpected(ex.request)) {
      client.writeAndFlush(
          new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
    }
    if (upstream != null && upstream.isActive() && upstreamReady) {
      sendHead();
      return;
    }
    state = State.CONNECTING;
    connect();
  }

  private void connect() {
    HttpSettings s = tunnel.settings();
    HttpTarget t = s.target();
    InetSocketAddress address = s.admission().upstream();
    Exchange connecting = ex;
    String where = t.host() + ":" + t.port();
    s.admission()
        .connector()
        .connect(client.eventLoop(), address)
        .addListener(
            (Future<Channel> f) -> {
              if (ex != connecting || state != State.CONNECTING) {
                if (f.isSuccess()) {
                  f.getNow().close();
                }
                return;
              }
              if (!f.isSuccess()) {
                upstreamFailed(
                    "cannot connect to target "
                        + s.admission().target()
                        + " at "
                        + where
                        + ": "
                        + reason(f.cause()));
                return;
              }
              Channel ch = f.getNow();
              SslHandler tls =
                  t.tls() ? s.tls().newHandler(ch.alloc(), t.serverName(), t.port()) : null;
              if (tls != null) {
                SSLEngine engine = tls.engine();
                SSLParameters params = engine.getSSLParameters();
                params.setEndpointIdentificationAlgorithm("HTTPS");
                engine.setSSLParameters(params);
                ch.pipeline().addLast("tls", tls);
              }
              ch.pipeline()
                  .addLast(
                      "http",
                      new HttpClientCodec(
                          new HttpDecoderConfig()
                              .setStrictLineParsing(true)
                              .setMaxHeaderSize(64 * 1024)
                              .setMaxChunkSize(64 * 1024),
                          false,
                          false));
              ch.pipeline().addLast("hoop-http-upstream", new UpstreamSide());
              upstream = ch;
              if (tls == null) {
                upstreamReady();
                return;
              }
              tls.handshakeFuture()
                  .addListener(
                      h -> {
                        if (ex != connecting || state != State.CONNECTING) {
                          return;
                        }
                        if (!h.isSuccess()) {
                          upstreamFailed(
                              "TLS with target "
                                  + s.admission().target()
                                  + " at "
                                  + where
                                  + " failed (server name "
                                  + t.serverName()
                                  + ", checked against caFile): "
                                  + reason(h.cause()));
                          return;
                        }
                        upstreamReady();
                      });
            });
  }

  private void upstreamReady() {
    upstreamReady = true;
    sendHead();
  }

  private void sendHead() {
    state = State.FORWARDING;
    HttpSettings s = tunnel.settings();
    HttpHeaders headers =
        RequestGuard.toTarget(
            ex.request,
            s.target().hostHeader(),
            s.role().credential(),
            ex.upgrade,
            ex.decision.masking().active());
    for (Map.Entry<String, String> e : ex.decision.setHeaders().entrySet()) {
      headers.set(e.getKey(), e.getValue());
    }
    upstream.write(
        new DefaultHttpRequest(
            HttpVersion.HTTP_1_1, ex.request.method(), ex.target.uri(), headers));
    while (!ex.body.isEmpty()) {
      HttpContent content = ex.body.poll();
      ex.requestBytes += content.content().readableBytes();
      upstream.write(content);
    }
    upstream.flush();
    upstream.read();
    if (!ex.requestDone) {
      client.read();
    }
  }

  private void upstreamFailed(String reason) {
    log.info("http proxy {}: {}", tunnel.settings().admission().label(), reason);
    ex.status = 502;
    record(502, reason);
    closeWith(reply(HttpResponseStatus.BAD_GATEWAY, "target_unreachable", null, "hoop: " + reason));
  }

  // ---- responses -----------------------------------------------------------------------------

  private final class UpstreamSide extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (ctx.channel() != upstream) {
        ReferenceCountUtil.release(msg);
        return;
      }
      if (state == State.UPGRADED) {
        if (msg instanceof ByteBuf data) {
          if (!tapped(data, false)) {
            return;
          }
          ex.responseBytes += data.readableBytes();
          client.write(data);
        } else {
          ReferenceCountUtil.release(msg);
        }
        return;
      }
      if (ex == null || state != State.FORWARDING) {
        // nothing was asked: a target that talks out of turn is not trusted with the next request
        ReferenceCountUtil.release(msg);
        ctx.close();
        return;
      }
      try {
        if (msg instanceof HttpResponse response) {
          response(response);
        }
        if (msg instanceof HttpContent content && state == State.FORWARDING) {
          content(content);
        }
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      if (ctx.channel() == upstream && state != State.CLOSED) {
        client.flush();
        if (client.isWritable()) {
          upstream.read();
        }
      }
      ctx.fireChannelReadComplete();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      if (ctx.channel() == upstream && upstream.isWritable() && ex != null) {
        if (state == State.UPGRADED || state == State.FORWARDING && !ex.requestDone) {
          client.read();
        }
      }
      ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (ctx.channel() != upstream) {
        return;
      }
      upstream = null;
      upstreamReady = false;
      if (state == State.UPGRADED) {
        // what the target said last (an exec's exit status) reaches the client before the close
        client.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
      } else if (state == State.FORWARDING && ex != null) {
        if (!ex.responseStarted) {
          upstreamFailed("target closed the connection before answering");
        } else {
          record(ex.status, "the target closed the connection mid-response");
          state = State.CLOSED;
          client.close();
        }
      }
      ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      log.debug("http proxy target connection failed", cause);
      ctx.close();
    }
  }

  private void response(HttpResponse response) {
    if (response.decoderResult().isFailure()) {
      cut("the target sent a malformed response: " + reason(response.decoderResult().cause()));
      return;
    }
    int code = response.status().code();
    if (code == 101) {
      if (ex.upgrade) {
        upgrade(response);
      } else {
        cut("the target switched protocols without being asked");
      }
      return;
    }
    if (code < 200) {
      ex.skipInformational = true;
      return;
    }
    ex.status = code;
    ex.responseStarted = true;
    ex.upstreamKeepAlive = HttpUtil.isKeepAlive(response);
    HttpHeaders headers = RequestGuard.toClient(response, false);
    boolean bodyless = ex.head() || code == 204 || code == 304;
    boolean json = RequestGuard.isJson(headers);
    if (ex.decision.requireJson() && !bodyless && !json) {
      ex.responseStarted = false;
      String type = headers.get(HttpHeaderNames.CONTENT_TYPE);
      record(502, "the target's answer is " + type + ", not JSON, and cannot be masked");
      closeWith(
          reply(
              HttpResponseStatus.BAD_GATEWAY,
              "masking_failed",
              ex.rule,
              "hoop: the target answered "
                  + type
                  + ", not JSON, where values must be masked; it was not relayed"));
      return;
    }
    boolean lines = ex.decision.masking().lines();
    if (ex.decision.masking().active() && !bodyless && (json || lines)) {
      String encoding = headers.get(HttpHeaderNames.CONTENT_ENCODING);
      if (encoding != null && !encoding.trim().equalsIgnoreCase("identity")) {
        ex.responseStarted = false;
        String body = lines ? "text" : "JSON";
        record(
            502, "the target's " + body + " body is " + encoding + "-encoded and cannot be masked");
        closeWith(
            reply(
                HttpResponseStatus.BAD_GATEWAY,
                "masking_failed",
                null,
                "hoop: the target's "
                    + body
                    + " body is "
                    + encoding
                    + "-encoded and cannot be masked; it was not relayed"));
        return;
      }
      headers.remove(HttpHeaderNames.CONTENT_LENGTH);
      headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
      ex.masker =
          BodyMasker.of(
              ex.decision.masking(),
              (bytes, offset, length) -> {
                ex.responseBytes += length;
                client.write(
                    new DefaultHttpContent(
                        client.alloc().buffer(length).writeBytes(bytes, offset, length)));
              });
    } else if (!bodyless
        && !headers.contains(HttpHeaderNames.CONTENT_LENGTH)
        && !headers.contains(HttpHeaderNames.TRANSFER_ENCODING)) {
      // a body delimited by the target closing: chunk it, the client connection stays framed
      headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
    }
    if (!ex.clientKeepAlive || tunnel.goodbyeMessage() != null) {
      headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    String notice = tunnel.notice();
    if (notice != null) {
      headers.set("Hoop-Notice", notice);
    }
    ex.contentType = headers.get(HttpHeaderNames.CONTENT_TYPE);
    ex.chunked =
        !bodyless
            && headers.containsValue(
                HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED, true);
    client.write(new DefaultHttpResponse(HttpVersion.HTTP_1_1, response.status(), headers));
  }

  private void content(HttpContent content) {
    if (ex.skipInformational) {
      if (content instanceof LastHttpContent) {
        ex.skipInformational = false;
      }
      return;
    }
    if (!ex.responseStarted) {
      return;
    }
    ByteBuf data = content.content();
    if (ex.masker != null) {
      try {
        while (data.isReadable()) {
          int n = Math.min(scratch.length, data.readableBytes());
          data.readBytes(scratch, 0, n);
          ex.masker.feed(scratch, 0, n);
        }
        if (content instanceof LastHttpContent) {
          ex.masker.finish();
        }
      } catch (MaskingException e) {
        cut(e.getMessage());
        return;
      }
    } else if (data.isReadable()) {
      ex.responseBytes += data.readableBytes();
      client.write(new DefaultHttpContent(data.retain()));
    }
    if (content instanceof LastHttpContent) {
      client.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
      responseDone();
    }
  }

  private void responseDone() {
    Exchange done = ex;
    record(done.status, "");
    boolean closeClient =
        !done.clientKeepAlive || !done.requestDone || tunnel.goodbyeMessage() != null;
    if (!done.upstreamKeepAlive || !done.requestDone) {
      if (upstream != null) {
        upstream.close();
      }
      upstream = null;
      upstreamReady = false;
    }
    releaseBody(done);
    ex = null;
    if (closeClient) {
      state = State.CLOSED;
      client.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
      return;
    }
    state = State.IDLE;
    while (ex == null && state == State.IDLE && !pipelined.isEmpty()) {
      dispatch(pipelined.poll());
    }
    while (ex != null && !pipelined.isEmpty() && !ex.requestDone) {
      dispatch(pipelined.poll());
    }
    if (ex == null && state == State.IDLE) {
      client.read();
    }
  }

  private void upgrade(HttpResponse response) {
    if (ex.decision.upgradeTap() != null) {
      try {
        ex.tap = ex.decision.upgradeTap().open(response);
      } catch (UpgradeTap.TapException | RuntimeException e) {
        String reason = "the upgrade cannot be recorded, so it was not relayed: " + e.getMessage();
        HttpRequest r = ex.request;
        emit(
            new HttpRequestBlocked(
                ex.startedAt, r.method().name(), r.uri(), 502, ex.rule, "hoop: " + reason));
        record(502, reason);
        closeWith(
            reply(HttpResponseStatus.BAD_GATEWAY, "upgrade_refused", ex.rule, "hoop: " + reason));
        return;
      }
    }
    state = State.UPGRADED;
    ex.status = 101;
    ex.responseStarted = true;
    ex.requestBytes = 0;
    HttpResponse switching =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            HttpResponseStatus.SWITCHING_PROTOCOLS,
            Unpooled.EMPTY_BUFFER,
            RequestGuard.toClient(response, true),
            io.netty.handler.codec.http.EmptyHttpHeaders.INSTANCE);
    client.writeAndFlush(switching);
    client.pipeline().remove(CODEC);
    upstream.pipeline().remove("http");
    client.read();
    upstream.read();
  }

  /** Ends a response that cannot be completed: the client sees the connection drop. */
  private void cut(String reason) {
    log.info("http proxy {}: response cut: {}", tunnel.settings().admission().label(), reason);
    record(ex.status == 0 ? 502 : ex.status, reason);
    state = State.CLOSED;
    if (!ex.responseStarted) {
      closeWith(
          reply(HttpResponseStatus.BAD_GATEWAY, "bad_target_response", null, "hoop: " + reason));
      return;
    }
    client.close();
    if (upstream != null) {
      upstream.close();
    }
  }

  /** Shows the tap the relayed bytes; false when it cut the relay (the bytes are released). */
  private boolean tapped(ByteBuf data, boolean fromClient) {
    UpgradeTap tap = ex.tap;
    if (tap == null) {
      return true;
    }
    try {
      if (fromClient) {
        tap.fromClient(data.duplicate());
      } else {
        tap.fromTarget(data.duplicate());
      }
      return true;
    } catch (UpgradeTap.TapException | RuntimeException e) {
      data.release();
      String reason = "the upgraded stream cannot be followed, so it was cut: " + e.getMessage();
      log.info("http proxy {}: {}", tunnel.settings().admission().label(), reason);
      HttpRequest r = ex.request;
      emit(
          new HttpRequestBlocked(
              ex.startedAt, r.method().name(), r.uri(), 502, ex.rule, "hoop: " + reason));
      record(ex.status, reason);
      closeTap(ex, reason);
      state = State.CLOSED;
      client.close();
      if (upstream != null) {
        upstream.close();
      }
      return false;
    }
  }

  private static void closeTap(Exchange exchange, String reason) {
    UpgradeTap tap = exchange.tap;
    exchange.tap = null;
    if (tap != null) {
      try {
        tap.closed(reason);
      } catch (RuntimeException e) {
        log.warn("http proxy: the upgrade tap failed to close", e);
      }
    }
  }

  // ---- the broker ends the tunnel ------------------------------------------------------------

  void goodbye(String message) {
    if (!client.eventLoop().inEventLoop()) {
      client.eventLoop().execute(() -> goodbye(message));
      return;
    }
    if (state == State.CLOSED) {
      return;
    }
    if (ex == null) {
      state = State.CLOSED;
      client.close();
      return;
    }
    if (ex.hold != null) {
      ex.hold.cancel();
    }
    if (!ex.responseStarted) {
      record(503, message);
      closeWith(reply(HttpResponseStatus.SERVICE_UNAVAILABLE, "grant_ended", null, message));
      return;
    }
    ByteBuf last = null;
    if (state == State.UPGRADED && ex.tap != null) {
      try {
        last = ex.tap.farewell(client.alloc(), message);
      } catch (RuntimeException e) {
        log.warn("http proxy: the upgrade tap's farewell failed", e);
      }
    }
    record(ex.status, "cut: " + message);
    closeTap(ex, message);
    state = State.CLOSED;
    if (last != null) {
      client.writeAndFlush(last).addListener(ChannelFutureListener.CLOSE);
      if (upstream != null) {
        upstream.close();
      }
      return;
    }
    String farewell =
        ex.chunked ? tunnel.settings().policy().farewell(ex.contentType, message) : null;
    if (farewell != null) {
      // the stream says why it ends, then ends without its last chunk: the client sees a cut
      byte[] bytes = farewell.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      client
          .writeAndFlush(
              new DefaultHttpContent(client.alloc().buffer(bytes.length).writeBytes(bytes)))
          .addListener(ChannelFutureListener.CLOSE);
    } else {
      client.close();
    }
    if (upstream != null) {
      upstream.close();
    }
  }

  // ---- recording -----------------------------------------------------------------------------

  private void record(int status, String error) {
    if (ex == null || ex.recorded || ex.target == null) {
      return;
    }
    ex.recorded = true;
    HttpRequestStep step =
        new HttpRequestStep(
            ex.startedAt,
            (System.nanoTime() - ex.startNanos) / 1000,
            ex.request.method().name(),
            ex.target.uri(),
            status,
            ex.requestBytes,
            ex.responseBytes,
            ex.masker == null ? 0 : ex.masker.masked(),
            ex.rule,
            error);
    emit(ex.decision == null ? step : ex.decision.step().apply(step));
  }

  /** The broker's own answer, in the body format of the tunnel's policy. */
  private Object reply(HttpResponseStatus status, String error, String rule, String message) {
    String body = null;
    if (tunnel != null) {
      try {
        body = tunnel.settings().policy().errorBody(status.code(), error, rule, message);
      } catch (RuntimeException e) {
        log.warn("http proxy: the policy's error body failed", e);
      }
    }
    return body == null
        ? Replies.error(client.alloc(), status, error, rule, message)
        : Replies.json(client.alloc(), status, body);
  }

  private void emit(EngineEvent event) {
    if (tunnel == null) {
      tunnel = server.lookup(client.remoteAddress());
    }
    if (tunnel == null) {
      return;
    }
    try {
      tunnel.settings().admission().listener().onEvent(event);
    } catch (RuntimeException e) {
      log.warn("http proxy: the event listener failed", e);
    }
  }

  private static void releaseBody(Exchange exchange) {
    exchange.body.forEach(ReferenceCountUtil::release);
    exchange.body.clear();
  }

  private static String reason(Throwable cause) {
    if (cause == null) {
      return "unknown";
    }
    Throwable root = cause;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message =
        root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    String top = cause.getMessage();
    if (top != null && !top.equals(message) && cause != root) {
      return top.length() > 200 ? message : top;
    }
    return message;
  }
}
