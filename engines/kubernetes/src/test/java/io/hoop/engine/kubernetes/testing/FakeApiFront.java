package io.hoop.engine.kubernetes.testing;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.spdy.SpdyFrameCodec;
import io.netty.handler.codec.spdy.SpdyVersion;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The TLS side of {@link FakeApiServer}: terminates TLS (client certificates optional), reads the
 * head of a connection's first request, and either serves an upgrade itself (exec, attach,
 * port-forward over SPDY/3.1, as kubectl 1.20 asks: {@link FakeSpdySession}) or relays the
 * connection's bytes as they are to the plain-HTTP fixture behind it, which learns the client
 * certificate's CN from {@link #clientCn(int)} by the relay's local port. kubectl dials a fresh
 * connection for every upgrade, so the first request of a connection is the one that matters.
 */
final class FakeApiFront implements AutoCloseable {
  private static final int MAX_HEAD = 64 * 1024;

  /** What the front needs from the fixture to serve an upgrade. */
  interface Upgrades {
    /** Whether the credential (a bearer header or {@code cert:CN}) is the fixture's. */
    boolean authenticated(String authorization);

    void seen(String method, String uri, String authorization, String accept);

    boolean podExists(String namespace, String name);

    /** Where port-forwarded streams are connected, whatever port was asked. */
    InetSocketAddress portForwardTarget();

    /** Called when an exec or attach session starts (argv empty for attach) and ends. */
    void session(FakeSpdySession.Kind kind, List<String> argv, boolean started);
  }

  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
  private final Map<Integer, String> cns = new ConcurrentHashMap<>();
  private final Channel server;
  private final InetSocketAddress backend;
  private final Upgrades upgrades;
  private final java.nio.file.Path workDir;

  FakeApiFront(
      TestCa ca,
      InetSocketAddress bind,
      InetSocketAddress backend,
      Upgrades upgrades,
      java.nio.file.Path workDir)
      throws IOException {
    this.backend = backend;
    this.upgrades = upgrades;
    this.workDir = workDir;
    javax.net.ssl.SSLContext tls = ca.serverContext();
    try {
      server =
          new ServerBootstrap()
              .group(group)
              .channel(NioServerSocketChannel.class)
              .childHandler(
                  new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                      javax.net.ssl.SSLEngine engine = tls.createSSLEngine();
                      engine.setUseClientMode(false);
                      engine.setWantClientAuth(true);
                      ch.pipeline().addLast("tls", new SslHandler(engine));
                      ch.pipeline().addLast("head", new Head());
                    }
                  })
              .bind(bind)
              .sync()
              .channel();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while binding", e);
    }
  }

  InetSocketAddress address() {
    return (InetSocketAddress) server.localAddress();
  }

  /** {@code cert:CN} of the TLS client behind the relay connection from local port {@code port}. */
  String clientCn(int port) {
    return cns.get(port);
  }

  @Override
  public void close() {
    server.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
  }

  /** Reads the first request head, then steps aside for a relay or a SPDY session. */
  private final class Head extends ChannelInboundHandlerAdapter {
    private ByteBuf buffered;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (!(msg instanceof ByteBuf data)) {
        ReferenceCountUtil.release(msg);
        return;
      }
      if (buffered == null) {
        buffered = ctx.alloc().buffer();
      }
      buffered.writeBytes(data);
      data.release();
      int end = headEnd(buffered);
      if (end < 0) {
        if (buffered.readableBytes() > MAX_HEAD) {
          ctx.close();
        }
        return;
      }
      String head = buffered.toString(0, end, StandardCharsets.ISO_8859_1);
      ByteBuf all = buffered;
      buffered = null;
      Map<String, String> headers = headers(head);
      if (headers.containsKey("upgrade")) {
        ByteBuf rest = all.retainedSlice(end + 4, all.readableBytes() - end - 4);
        all.release();
        upgrade(ctx, head.substring(0, head.indexOf("\r\n")), headers, rest);
      } else {
        relay(ctx, all);
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (buffered != null) {
        buffered.release();
        buffered = null;
      }
      ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  private static int headEnd(ByteBuf b) {
    for (int i = b.readerIndex(); i + 3 < b.writerIndex(); i++) {
      if (b.getByte(i) == '\r'
          && b.getByte(i + 1) == '\n'
          && b.getByte(i + 2) == '\r'
          && b.getByte(i + 3) == '\n') {
        return i - b.readerIndex();
      }
    }
    return -1;
  }

  private static Map<String, String> headers(String head) {
    Map<String, String> h = new LinkedHashMap<>();
    String[] lines = head.split("\r\n");
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
        String value = lines[i].substring(colon + 1).trim();
        h.merge(name, value, (a, b) -> a + ", " + b);
      }
    }
    return h;
  }

  private String peerCn(ChannelHandlerContext ctx) {
    SslHandler tls = ctx.pipeline().get(SslHandler.class);
    try {
      X509Certificate cert = (X509Certificate) tls.engine().getSession().getPeerCertificates()[0];
      String dn = cert.getSubjectX500Principal().getName();
      return "cert:" + dn.substring(dn.indexOf('=') + 1);
    } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
      return null;
    }
  }

  // ---- plain requests: a byte relay to the fixture -----------------------------------------

  private void relay(ChannelHandlerContext ctx, ByteBuf first) {
    Channel in = ctx.channel();
    in.config().setAutoRead(false);
    String cn = peerCn(ctx);
    new Bootstrap()
        .group(in.eventLoop())
        .channel(NioSocketChannel.class)
        .handler(new Pipe(in))
        .connect(backend)
        .addListener(
            (ChannelFutureListener)
                f -> {
                  if (!f.isSuccess()) {
                    first.release();
                    in.close();
                    return;
                  }
                  Channel out = f.channel();
                  int port = ((InetSocketAddress) out.localAddress()).getPort();
                  if (cn != null) {
                    cns.put(port, cn);
                  }
                  out.closeFuture().addListener(c -> cns.remove(port));
                  ctx.pipeline().replace("head", "pipe", new Pipe(out));
                  out.writeAndFlush(first);
                  in.config().setAutoRead(true);
                });
  }

  /** Writes what it reads to {@code peer}; closes the peer when its own channel ends. */
  private static final class Pipe extends ChannelInboundHandlerAdapter {
    private final Channel peer;

    Pipe(Channel peer) {
      this.peer = peer;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      peer.writeAndFlush(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  // ---- upgrades: exec, attach, port-forward over SPDY/3.1 -----------------------------------

  private void upgrade(
      ChannelHandlerContext ctx, String requestLine, Map<String, String> headers, ByteBuf rest) {
    String[] parts = requestLine.split(" ");
    String method = parts[0];
    String uri = parts.length > 1 ? parts[1] : "";
    String auth = headers.get("authorization");
    if (auth == null) {
      auth = peerCn(ctx);
    }
    upgrades.seen(method, uri, auth, headers.get("accept"));
    if (!upgrades.authenticated(auth)) {
      rest.release();
      fail(ctx, 401, "Unauthorized", "Unauthorized");
      return;
    }
    int q = uri.indexOf('?');
    String path = q < 0 ? uri : uri.substring(0, q);
    Map<String, List<String>> query = query(q < 0 ? "" : uri.substring(q + 1));
    String[] seg = path.split("/");
    // /api/v1/namespaces/{ns}/pods/{name}/{sub}
    if (seg.length != 8
        || !seg[1].equals("api")
        || !seg[2].equals("v1")
        || !seg[3].equals("namespaces")
        || !seg[5].equals("pods")) {
      rest.release();
      fail(ctx, 404, "NotFound", "fixture: no upgrade at " + path);
      return;
    }
    if (!upgrades.podExists(seg[4], seg[6])) {
      rest.release();
      fail(ctx, 404, "NotFound", "pods \"" + seg[6] + "\" not found");
      return;
    }
    FakeSpdySession.Kind kind =
        switch (seg[7]) {
          case "exec" -> FakeSpdySession.Kind.EXEC;
          case "attach" -> FakeSpdySession.Kind.ATTACH;
          case "portforward" -> FakeSpdySession.Kind.PORT_FORWARD;
          default -> null;
        };
    if (kind == null || !method.equals("POST") && !method.equals("GET")) {
      rest.release();
      fail(ctx, 404, "NotFound", "fixture: subresource " + seg[7] + " is not served");
      return;
    }
    if (!"SPDY/3.1".equalsIgnoreCase(headers.getOrDefault("upgrade", ""))) {
      rest.release();
      fail(ctx, 400, "BadRequest", "fixture: only SPDY/3.1 upgrades are served");
      return;
    }
    List<String> offered = new ArrayList<>();
    for (String p : headers.getOrDefault("x-stream-protocol-version", "").split(",")) {
      offered.add(p.trim());
    }
    String protocol =
        kind == FakeSpdySession.Kind.PORT_FORWARD ? "portforward.k8s.io" : "v4.channel.k8s.io";
    if (!offered.contains(protocol)) {
      rest.release();
      fail(ctx, 403, "Forbidden", "fixture: none of " + offered + " is " + protocol);
      return;
    }
    String response =
        "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n"
            + "X-Stream-Protocol-Version: "
            + protocol
            + "\r\n\r\n";
    ctx.writeAndFlush(Unpooled.copiedBuffer(response, StandardCharsets.ISO_8859_1));
    FakeSpdySession session =
        new FakeSpdySession(kind, query, upgrades, workDir, upgrades.portForwardTarget());
    ctx.pipeline().addAfter("head", "spdy", new SpdyFrameCodec(SpdyVersion.SPDY_3_1));
    ctx.pipeline().addAfter("spdy", "session", session);
    if (rest.isReadable()) {
      ctx.fireChannelRead(rest); // to the codec, after this handler
    } else {
      rest.release();
    }
    ctx.pipeline().remove("head");
  }

  private static Map<String, List<String>> query(String raw) {
    Map<String, List<String>> q = new LinkedHashMap<>();
    for (String pair : raw.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String k =
          java.net.URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String v =
          eq < 0 ? "" : java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      q.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
    }
    return q;
  }

  private static void fail(ChannelHandlerContext ctx, int code, String reason, String message) {
    String body =
        "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
            + "\"message\":\""
            + message.replace("\\", "\\\\").replace("\"", "\\\"")
            + "\",\"reason\":\""
            + reason
            + "\",\"code\":"
            + code
            + "}";
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    String head =
        "HTTP/1.1 "
            + code
            + " "
            + reason
            + "\r\nContent-Type: application/json\r\nContent-Length: "
            + bytes.length
            + "\r\nConnection: close\r\n\r\n";
    ByteBuf out = ctx.alloc().buffer();
    out.writeCharSequence(head, StandardCharsets.ISO_8859_1);
    out.writeBytes(bytes);
    ctx.writeAndFlush(out).addListener(ChannelFutureListener.CLOSE);
  }
}
