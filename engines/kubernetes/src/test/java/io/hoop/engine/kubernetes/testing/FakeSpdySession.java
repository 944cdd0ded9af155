package io.hoop.engine.kubernetes.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.spdy.DefaultSpdyDataFrame;
import io.netty.handler.codec.spdy.DefaultSpdyPingFrame;
import io.netty.handler.codec.spdy.DefaultSpdySynReplyFrame;
import io.netty.handler.codec.spdy.SpdyDataFrame;
import io.netty.handler.codec.spdy.SpdyPingFrame;
import io.netty.handler.codec.spdy.SpdyRstStreamFrame;
import io.netty.handler.codec.spdy.SpdySynStreamFrame;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The server end of one SPDY/3.1 connection as the kubelet serves it behind the API server, for
 * kubectl 1.20 ({@code k8s.io/apimachinery} spdystream, remotecommand protocol {@code
 * v4.channel.k8s.io}, port-forward {@code portforward.k8s.io}). The client opens the streams, each
 * SYN_STREAM naming its {@code streamType}; every one is answered with a SYN_REPLY.
 *
 * <p>exec: once the streams the query asked for are open, the argv runs as a real process in the
 * fixture's work directory; stdin's DATA goes to it, its output back on stdout/stderr, and when it
 * ends the error stream gets the v4 {@code Status} (Success, or NonZeroExitCode with the code) and
 * every stream its FIN, then the connection closes. With {@code tty=true} the fixture is the
 * terminal: it echoes input (CR as CRLF), hands the process lines, and reads Ctrl-D as end of
 * input. attach: prints a line, echoes stdin until its FIN (nothing more without stdin).
 * port-forward: each {@code data} stream is connected to {@link #target}.
 */
final class FakeSpdySession extends ChannelInboundHandlerAdapter {
  enum Kind {
    EXEC,
    ATTACH,
    PORT_FORWARD
  }

  private final Kind kind;
  private final Map<String, List<String>> query;
  private final FakeApiFront.Upgrades upgrades;
  private final Path workDir;
  private final InetSocketAddress target;
  private final Map<String, Integer> streams = new HashMap<>();
  private final Map<Integer, Socket> forwards = new HashMap<>();
  private final boolean tty;
  private Channel channel;
  private Process process;
  private boolean started;

  FakeSpdySession(
      Kind kind,
      Map<String, List<String>> query,
      FakeApiFront.Upgrades upgrades,
      Path workDir,
      InetSocketAddress target) {
    this.kind = kind;
    this.query = query;
    this.upgrades = upgrades;
    this.workDir = workDir;
    this.target = target;
    this.tty = flag("tty");
  }

  private boolean flag(String name) {
    List<String> v = query.get(name);
    return v != null && (v.contains("true") || v.contains("1"));
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    channel = ctx.channel();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (msg instanceof SpdySynStreamFrame syn) {
        int id = syn.streamId();
        String type = syn.headers().getAsString("streamtype");
        // netty writes no header block at all for empty headers, which Go's framer cannot read
        DefaultSpdySynReplyFrame reply = new DefaultSpdySynReplyFrame(id);
        reply.headers().set("streamtype", type == null ? "" : type);
        ctx.writeAndFlush(reply);
        if (kind == Kind.PORT_FORWARD) {
          if ("data".equals(type)) {
            forward(id);
          }
          return;
        }
        streams.put(type, id);
        if (!started && ready()) {
          started = true;
          start();
        }
      } else if (msg instanceof SpdyDataFrame data) {
        onData(data.streamId(), data.content(), data.isLast());
      } else if (msg instanceof SpdyRstStreamFrame rst) {
        Socket s = forwards.remove(rst.streamId());
        if (s != null) {
          closeQuietly(s);
        }
      } else if (msg instanceof SpdyPingFrame ping) {
        ctx.writeAndFlush(new DefaultSpdyPingFrame(ping.id()));
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (process != null) {
      process.destroyForcibly();
    }
    forwards.values().forEach(FakeSpdySession::closeQuietly);
    forwards.clear();
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }

  private boolean ready() {
    return streams.containsKey("error")
        && (!flag("stdin") || streams.containsKey("stdin"))
        && (!flag("stdout") || streams.containsKey("stdout"))
        && (!flag("stderr") || tty || streams.containsKey("stderr"))
        && (!tty || streams.containsKey("resize"));
  }

  // ---- exec and attach ------------------------------------------------------------------------

  private void start() {
    List<String> argv = query.getOrDefault("command", List.of());
    upgrades.session(kind, kind == Kind.EXEC ? argv : List.of(), true);
    if (kind == Kind.ATTACH) {
      send("stdout", ("attached to container app\n").getBytes(StandardCharsets.UTF_8));
      if (!streams.containsKey("stdin")) {
        finish(0);
      }
      return;
    }
    try {
      ProcessBuilder pb = new ProcessBuilder(argv).directory(workDir.toFile());
      pb.redirectErrorStream(tty);
      process = pb.start();
    } catch (IOException e) {
      send(
          "error",
          ("{\"metadata\":{},\"status\":\"Failure\",\"message\":\"fixture: cannot run "
                  + argv.get(0).replace("\"", "'")
                  + "\",\"reason\":\"InternalError\"}")
              .getBytes(StandardCharsets.UTF_8));
      finish(-1);
      return;
    }
    if (!streams.containsKey("stdin")) {
      closeQuietly(process.getOutputStream());
    }
    Thread out = pump(process.getInputStream(), "stdout");
    Thread err = tty ? null : pump(process.getErrorStream(), "stderr");
    Thread waiter =
        new Thread(
            () -> {
              try {
                int code = process.waitFor();
                out.join();
                if (err != null) {
                  err.join();
                }
                channel.eventLoop().execute(() -> finish(code));
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "fake-exec-wait");
    waiter.setDaemon(true);
    waiter.start();
  }

  private Thread pump(InputStream in, String stream) {
    Thread t =
        new Thread(
            () -> {
              byte[] buf = new byte[8192];
              try {
                for (int n; (n = in.read(buf)) > 0; ) {
                  byte[] chunk = tty ? onlcr(buf, n) : java.util.Arrays.copyOf(buf, n);
                  channel.eventLoop().execute(() -> send(stream, chunk));
                }
              } catch (IOException e) {
                // the process went away
              }
            },
            "fake-exec-" + stream);
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static byte[] onlcr(byte[] buf, int n) {
    ByteArrayOutputStream b = new ByteArrayOutputStream(n + 8);
    for (int i = 0; i < n; i++) {
      if (buf[i] == '\n') {
        b.write('\r');
      }
      b.write(buf[i]);
    }
    return b.toByteArray();
  }

  private void onData(int id, ByteBuf content, boolean last) {
    if (kind == Kind.PORT_FORWARD) {
      Socket s = forwards.get(id);
      if (s == null) {
        return;
      }
      try {
        byte[] bytes = new byte[content.readableBytes()];
        content.readBytes(bytes);
        s.getOutputStream().write(bytes);
        if (last) {
          s.shutdownOutput();
        }
      } catch (IOException e) {
        closeQuietly(s);
      }
      return;
    }
    Integer stdin = streams.get("stdin");
    if (stdin == null || id != stdin) {
      return; // resize and anything else
    }
    byte[] bytes = new byte[content.readableBytes()];
    content.readBytes(bytes);
    if (kind == Kind.ATTACH) {
      if (bytes.length > 0) {
        send("stdout", bytes);
      }
      if (last) {
        finish(0);
      }
      return;
    }
    if (process == null) {
      return;
    }
    OutputStream in = process.getOutputStream();
    try {
      if (tty) {
        ByteArrayOutputStream echo = new ByteArrayOutputStream();
        for (byte b : bytes) {
          if (b == 4) {
            in.flush();
            in.close();
            break;
          }
          if (b == '\r' || b == '\n') {
            echo.write('\r');
            echo.write('\n');
            in.write('\n');
          } else {
            echo.write(b);
            in.write(b);
          }
        }
        send("stdout", echo.toByteArray());
      } else {
        in.write(bytes);
      }
      in.flush();
      if (last) {
        in.close();
      }
    } catch (IOException e) {
      // the process closed its input
    }
  }

  private void send(String stream, byte[] data) {
    Integer id = streams.get(stream);
    if (id == null || data.length == 0 || !channel.isActive()) {
      return;
    }
    channel.writeAndFlush(new DefaultSpdyDataFrame(id, Unpooled.wrappedBuffer(data)));
  }

  private void finish(int code) {
    if (!channel.isActive()) {
      return;
    }
    String status =
        code == 0
            ? "{\"metadata\":{},\"status\":\"Success\"}"
            : "{\"metadata\":{},\"status\":\"Failure\",\"message\":\"command terminated with"
                + " non-zero exit code: exit status "
                + code
                + "\",\"reason\":\"NonZeroExitCode\",\"details\":{\"causes\":[{\"reason\":"
                + "\"ExitCode\",\"message\":\""
                + code
                + "\"}]}}";
    if (code >= 0) {
      send("error", status.getBytes(StandardCharsets.UTF_8));
    }
    for (Integer id : streams.values()) {
      DefaultSpdyDataFrame fin = new DefaultSpdyDataFrame(id);
      fin.setLast(true);
      channel.write(fin);
    }
    upgrades.session(kind, query.getOrDefault("command", List.of()), false);
    channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
  }

  // ---- port-forward ---------------------------------------------------------------------------

  private void forward(int id) {
    Socket s;
    try {
      s = new Socket(target.getAddress(), target.getPort());
    } catch (IOException e) {
      return;
    }
    forwards.put(id, s);
    Thread t =
        new Thread(
            () -> {
              byte[] buf = new byte[8192];
              try (InputStream in = s.getInputStream()) {
                for (int n; (n = in.read(buf)) > 0; ) {
                  ByteBuf chunk = Unpooled.copiedBuffer(buf, 0, n);
                  channel.writeAndFlush(new DefaultSpdyDataFrame(id, chunk));
                }
              } catch (IOException e) {
                // closed
              }
              DefaultSpdyDataFrame fin = new DefaultSpdyDataFrame(id);
              fin.setLast(true);
              channel.writeAndFlush(fin);
            },
            "fake-port-forward");
    t.setDaemon(true);
    t.start();
  }

  private static void closeQuietly(java.io.Closeable c) {
    try {
      c.close();
    } catch (IOException e) {
      // closing
    }
  }
}
