package io.hoop.broker.http;

import io.hoop.tunnel.mux.AgentProtocol;
import io.hoop.tunnel.protocol.TunnelProtocol;
import io.hoop.tunnel.server.TunnelServer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpMessage;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Inspects the first four bytes after TLS and steps aside: {@code HOOP} hands the connection to the
 * tunnel server, {@code HOPA} to the agent endpoint, anything else becomes an HTTP/1.1 connection
 * for the API and dev IdP.
 */
public final class PortUnificationHandler extends ByteToMessageDecoder {
  /** Request bodies over this size get 413. */
  public static final int MAX_BODY_BYTES = 1024 * 1024;

  private final TunnelServer tunnels;
  private final Consumer<ChannelPipeline> agents;
  private final Supplier<Router> router;
  private final Executor workers;
  private final String baseUrl;

  public PortUnificationHandler(
      TunnelServer tunnels, Supplier<Router> router, Executor workers, String baseUrl) {
    this(tunnels, null, router, workers, baseUrl);
  }

  /**
   * As {@link #PortUnificationHandler(TunnelServer, Supplier, Executor, String)}, with {@code
   * agents} installing the agent endpoint on connections that start with {@code HOPA} (null: those
   * become HTTP, which refuses them).
   */
  public PortUnificationHandler(
      TunnelServer tunnels,
      Consumer<ChannelPipeline> agents,
      Supplier<Router> router,
      Executor workers,
      String baseUrl) {
    this.tunnels = tunnels;
    this.agents = agents;
    this.router = router;
    this.workers = workers;
    this.baseUrl = baseUrl;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (in.readableBytes() < TunnelProtocol.MAGIC.length) {
      return;
    }
    ChannelPipeline p = ctx.pipeline();
    boolean tunnel = true;
    for (int i = 0; i < TunnelProtocol.MAGIC.length; i++) {
      if (in.getByte(in.readerIndex() + i) != TunnelProtocol.MAGIC[i]) {
        tunnel = false;
        break;
      }
    }
    if (tunnel) {
      ctx.channel().config().setAutoRead(false);
      tunnels.configure(p);
    } else if (agents != null && startsWith(in, AgentProtocol.MAGIC)) {
      agents.accept(p);
    } else {
      addHttp(p, router, workers, baseUrl);
    }
    p.remove(this);
  }

  private static boolean startsWith(ByteBuf in, byte[] magic) {
    for (int i = 0; i < magic.length; i++) {
      if (in.getByte(in.readerIndex() + i) != magic[i]) {
        return false;
      }
    }
    return true;
  }

  /**
   * Adds the broker's HTTP/1.1 handling (limits, idle timeout, ordered answers from {@code
   * workers}) at the end of {@code p}: for the API after TLS, and for the plain diagnostics port.
   */
  public static void addHttp(
      ChannelPipeline p, Supplier<Router> router, Executor workers, String baseUrl) {
    p.addLast("http-idle", new ReadTimeoutHandler(120));
    p.addLast("http-codec", new HttpServerCodec(4096, 16 * 1024, 64 * 1024));
    p.addLast("http-aggregator", new EnvelopeAggregator());
    p.addLast("http-api", new HttpApiHandler(router, workers, baseUrl));
  }

  /** Answers oversized bodies with the API's JSON error envelope instead of an empty 413. */
  private static final class EnvelopeAggregator extends HttpObjectAggregator {
    EnvelopeAggregator() {
      super(MAX_BODY_BYTES);
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
      ApiResponse r =
          ApiResponse.error(
              413, "too_large", "request body is larger than " + MAX_BODY_BYTES + " bytes", null);
      FullHttpResponse out =
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1,
              HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
              Unpooled.wrappedBuffer(r.body()));
      out.headers().set(HttpHeaderNames.CONTENT_TYPE, r.contentType());
      out.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, r.body().length);
      // Like netty's own handling: a keep-alive client still sending its body gets the answer and
      // the rest of the body is discarded; closing now would reset the connection under the
      // client and it might never read the 413.
      boolean keepOpen =
          !(oversized instanceof FullHttpMessage)
              && (HttpUtil.is100ContinueExpected(oversized) || HttpUtil.isKeepAlive(oversized));
      out.headers()
          .set(
              HttpHeaderNames.CONNECTION,
              keepOpen ? HttpHeaderValues.KEEP_ALIVE : HttpHeaderValues.CLOSE);
      ctx.writeAndFlush(out)
          .addListener(
              keepOpen ? ChannelFutureListener.CLOSE_ON_FAILURE : ChannelFutureListener.CLOSE);
    }
  }
}
