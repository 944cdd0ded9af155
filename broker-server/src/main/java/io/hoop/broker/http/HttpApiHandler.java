package io.hoop.broker.http;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

/**
 * Turns aggregated HTTP requests into {@link ApiRequest}s, runs the router on a worker thread (the
 * store blocks) and writes the answer back. One request at a time per connection: reading pauses
 * until the response is written, so pipelined requests keep their order.
 */
final class HttpApiHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  private final Supplier<Router> router;
  private final Executor workers;
  private final String baseUrl;
  private final ArrayDeque<Pending> pending = new ArrayDeque<>();
  private boolean busy;

  HttpApiHandler(Supplier<Router> router, Executor workers, String baseUrl) {
    this.router = router;
    this.workers = workers;
    this.baseUrl = baseUrl;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest msg) {
    boolean keepAlive = HttpUtil.isKeepAlive(msg);
    ApiRequest req = null;
    ApiResponse early = null;
    if (!msg.decoderResult().isSuccess()) {
      early = ApiResponse.error(400, "bad_request", "malformed HTTP request", null);
    } else {
      try {
        req = toApiRequest(ctx, msg);
      } catch (IllegalArgumentException e) {
        early = ApiResponse.error(400, "bad_request", "malformed request URI", null);
      }
    }
    // Requests decoded from one network read arrive back to back: answer them strictly in order.
    pending.add(new Pending(req, early, early == null && keepAlive));
    ctx.channel().config().setAutoRead(false);
    if (!busy) {
      next(ctx);
    }
  }

  private void next(ChannelHandlerContext ctx) {
    Pending p = pending.poll();
    if (p == null) {
      busy = false;
      ctx.channel().config().setAutoRead(true);
      return;
    }
    busy = true;
    if (p.early() != null) {
      write(ctx, p.early(), false);
      return;
    }
    try {
      workers.execute(
          () -> {
            Router r = router.get();
            ApiResponse resp =
                r == null
                    ? ApiResponse.error(503, "starting", "the broker is starting", "retry")
                    : r.dispatch(p.request());
            ctx.channel().eventLoop().execute(() -> write(ctx, resp, p.keepAlive()));
          });
    } catch (RejectedExecutionException e) {
      write(ctx, ApiResponse.error(503, "overloaded", "the broker is overloaded", "retry"), false);
    }
  }

  private record Pending(ApiRequest request, ApiResponse early, boolean keepAlive) {}

  private ApiRequest toApiRequest(ChannelHandlerContext ctx, FullHttpRequest msg) {
    QueryStringDecoder qs = new QueryStringDecoder(msg.uri());
    Map<String, String> query = new HashMap<>();
    for (Map.Entry<String, List<String>> e : qs.parameters().entrySet()) {
      query.put(e.getKey(), e.getValue().get(0));
    }
    Map<String, String> headers = new HashMap<>();
    for (Map.Entry<String, String> h : msg.headers()) {
      headers.putIfAbsent(h.getKey().toLowerCase(Locale.ROOT), h.getValue());
    }
    return new ApiRequest(
        msg.method().name(),
        qs.path(),
        Map.copyOf(query),
        Map.copyOf(headers),
        ByteBufUtil.getBytes(msg.content()),
        (InetSocketAddress) ctx.channel().remoteAddress(),
        baseUrl);
  }

  private void write(ChannelHandlerContext ctx, ApiResponse resp, boolean keepAlive) {
    FullHttpResponse out =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            HttpResponseStatus.valueOf(resp.status()),
            Unpooled.wrappedBuffer(resp.body()));
    out.headers().set(HttpHeaderNames.CONTENT_TYPE, resp.contentType());
    out.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, resp.body().length);
    out.headers().set("X-Content-Type-Options", "nosniff");
    resp.headers().forEach((k, v) -> out.headers().set(k, v));
    if (keepAlive) {
      out.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
      ctx.writeAndFlush(out)
          .addListener(
              f -> {
                if (f.isSuccess()) {
                  next(ctx);
                } else {
                  ctx.close();
                }
              });
    } else {
      out.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      ctx.writeAndFlush(out).addListener(ChannelFutureListener.CLOSE);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
