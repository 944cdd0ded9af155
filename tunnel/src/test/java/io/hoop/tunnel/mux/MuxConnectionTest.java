package io.hoop.tunnel.mux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hoop.tunnel.transport.Transports;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.concurrent.Future;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Both ends of the agent protocol over a real loopback TCP connection, with real target sockets:
 * many streams at once, a stalled stream next to a busy one, refused targets, a lost connection.
 */
class MuxConnectionTest {
  private static final int WINDOW = 64 * 1024;

  private EventLoopGroup group;
  private ServerSocket echo;
  private ServerSocket stall;
  private final List<Socket> stalled = new CopyOnWriteArrayList<>();
  private Channel agentListener;
  private Channel brokerEnd;
  private MuxConnection broker;
  private final AtomicReference<List<String>> lostLabels = new AtomicReference<>();
  private final AtomicReference<Channel> agentEnd = new AtomicReference<>();

  @BeforeEach
  void start() throws Exception {
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    group = Transports.newGroup(2, "mux-test");
    echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    startDaemon(
        () -> {
          while (!echo.isClosed()) {
            try {
              Socket s = echo.accept();
              startDaemon(() -> echoOn(s));
            } catch (IOException e) {
              return;
            }
          }
        });
    stall = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    startDaemon(
        () -> {
          while (!stall.isClosed()) {
            try {
              Socket s = stall.accept();
              s.setReceiveBufferSize(4096);
              stalled.add(s);
            } catch (IOException e) {
              return;
            }
          }
        });
    Map<String, InetSocketAddress> targets =
        Map.of(
            "echo", (InetSocketAddress) echo.getLocalSocketAddress(),
            "stall", (InetSocketAddress) stall.getLocalSocketAddress());
    MuxConnection.Acceptor acceptor =
        (target, loop) -> {
          InetSocketAddress a = targets.get(target);
          if (a == null) {
            return loop.newFailedFuture(new MuxStreamException(target + " is not assigned"));
          }
          return dial(loop, a);
        };
    agentListener =
        new ServerBootstrap()
            .group(group)
            .channel(Transports.serverChannelClass())
            .childHandler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    agentEnd.set(ch);
                    ch.pipeline()
                        .addLast(new MuxDecoder(), MuxEncoder.INSTANCE)
                        .addLast(
                            new MuxConnection(
                                MuxConnection.Role.ACCEPTOR,
                                "broker",
                                acceptor,
                                WINDOW,
                                200,
                                (r, l) -> {}));
                  }
                })
            .bind(InetAddress.getLoopbackAddress(), 0)
            .sync()
            .channel();
    broker =
        new MuxConnection(
            MuxConnection.Role.OPENER,
            "agent test",
            null,
            WINDOW,
            200,
            (r, l) -> lostLabels.set(l));
    brokerEnd =
        new Bootstrap()
            .group(group)
            .channel(Transports.socketChannelClass())
            .handler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    ch.pipeline().addLast(new MuxDecoder(), MuxEncoder.INSTANCE).addLast(broker);
                  }
                })
            .connect(agentListener.localAddress())
            .sync()
            .channel();
  }

  private static Future<Channel> dial(EventLoop loop, InetSocketAddress a) {
    var promise = loop.<Channel>newPromise();
    var connect =
        new Bootstrap()
            .group(loop)
            .channel(Transports.socketChannelClassFor(loop))
            .option(ChannelOption.AUTO_READ, false)
            .handler(new ChannelInboundHandlerAdapter())
            .connect(a);
    connect.addListener(
        f -> {
          if (f.isSuccess()) {
            promise.setSuccess(connect.channel());
          } else {
            promise.setFailure(new MuxStreamException("cannot connect: " + f.cause().getMessage()));
          }
        });
    return promise;
  }

  private static void startDaemon(Runnable r) {
    Thread t = new Thread(r, "mux-test-target");
    t.setDaemon(true);
    t.start();
  }

  private static void echoOn(Socket s) {
    try (s;
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream()) {
      byte[] buf = new byte[8192];
      for (int n; (n = in.read(buf)) > 0; ) {
        out.write(buf, 0, n);
      }
    } catch (IOException e) {
      // the stream ended
    }
  }

  @AfterEach
  void stop() throws Exception {
    echo.close();
    stall.close();
    for (Socket s : stalled) {
      s.close();
    }
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
  }

  /** Collects what a stream's channel reads, reading on. */
  private static final class Collector extends ChannelInboundHandlerAdapter {
    final AtomicLong bytes = new AtomicLong();
    final ByteBuf seen = Unpooled.buffer();

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf b = (ByteBuf) msg;
      bytes.addAndGet(b.readableBytes());
      synchronized (seen) {
        seen.writeBytes(b);
      }
      b.release();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      ctx.read();
    }

    byte[] copy() {
      synchronized (seen) {
        byte[] out = new byte[seen.readableBytes()];
        seen.getBytes(seen.readerIndex(), out);
        return out;
      }
    }
  }

  private Channel open(String target, String label) throws Exception {
    EventLoop loop = group.next();
    Future<Channel> f =
        broker.open(target, InetSocketAddress.createUnresolved(target, 1), loop, label);
    assertThat(f.await(10, TimeUnit.SECONDS)).isTrue();
    if (!f.isSuccess()) {
      throw (Exception) f.cause();
    }
    return f.getNow();
  }

  @Test
  void manyConcurrentStreamsEchoMoreThanTheirWindowOverOneConnection() throws Exception {
    int streams = 60;
    int size = 3 * WINDOW + 1234;
    List<Channel> channels = new ArrayList<>();
    List<Collector> collectors = new ArrayList<>();
    List<byte[]> sent = new ArrayList<>();
    for (int i = 0; i < streams; i++) {
      Channel ch = open("echo", "s" + i);
      Collector c = new Collector();
      ch.pipeline().addLast(c);
      ch.read();
      byte[] data = new byte[size];
      ThreadLocalRandom.current().nextBytes(data);
      channels.add(ch);
      collectors.add(c);
      sent.add(data);
    }
    assertThat(broker.openStreams()).isEqualTo(streams);
    for (int i = 0; i < streams; i++) {
      Channel ch = channels.get(i);
      byte[] data = sent.get(i);
      // in pieces, as a relay writes
      ch.eventLoop()
          .execute(
              () -> {
                for (int off = 0; off < data.length; off += 16 * 1024) {
                  ch.write(
                      Unpooled.wrappedBuffer(data, off, Math.min(16 * 1024, data.length - off)));
                }
                ch.flush();
              });
    }
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> collectors.stream().allMatch(c -> c.bytes.get() == size));
    for (int i = 0; i < streams; i++) {
      assertThat(collectors.get(i).copy()).isEqualTo(sent.get(i));
      channels.get(i).close().sync();
      collectors.get(i).seen.release();
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> broker.openStreams() == 0);
  }

  @Test
  void aHalfCloseReachesTheTargetWhichAnswersThenTheStreamEnds() throws Exception {
    // What a client's EOF does through the relay: shutdownOutput() on the broker's channel. The
    // target must read EOF after every byte (it echoes, then closes), its answer must still come
    // back, and the stream must then be gone on both ends: before SHUT it stayed open for good.
    Channel ch = open("echo", "half");
    Collector c = new Collector();
    ch.pipeline().addLast(c);
    ch.read();
    assertThat(ch).isInstanceOf(io.netty.channel.socket.DuplexChannel.class);
    byte[] data = new byte[2 * WINDOW + 77];
    ThreadLocalRandom.current().nextBytes(data);
    ch.writeAndFlush(Unpooled.wrappedBuffer(data));
    ((io.netty.channel.socket.DuplexChannel) ch).shutdownOutput().sync();
    assertThat(ch.write(Unpooled.wrappedBuffer(new byte[] {1})).await().isSuccess())
        .as("a write after shutdownOutput() fails, as on a socket")
        .isFalse();
    assertThat(ch.closeFuture().await(10, TimeUnit.SECONDS))
        .as("the target closed after EOF, so the stream ended")
        .isTrue();
    assertThat(c.copy()).isEqualTo(data);
    c.seen.release();
    await().atMost(Duration.ofSeconds(5)).until(() -> broker.openStreams() == 0);
  }

  @Test
  void aStalledStreamHoldsAtItsWindowWhileAnotherStreamFlows() throws Exception {
    Channel stuck = open("stall", "stuck");
    AtomicLong written = new AtomicLong();
    // Write like a relay: only while the channel is writable.
    Runnable pump =
        new Runnable() {
          @Override
          public void run() {
            while (stuck.isActive() && stuck.isWritable() && written.get() < 64L * 1024 * 1024) {
              stuck.write(Unpooled.wrappedBuffer(new byte[16 * 1024]));
              written.addAndGet(16 * 1024);
            }
            stuck.flush();
          }
        };
    stuck
        .pipeline()
        .addLast(
            new ChannelInboundHandlerAdapter() {
              @Override
              public void channelWritabilityChanged(ChannelHandlerContext ctx) {
                if (ctx.channel().isWritable()) {
                  pump.run();
                }
              }
            });
    stuck.eventLoop().execute(pump);
    await().atMost(Duration.ofSeconds(10)).until(() -> !stuck.isWritable());
    Thread.sleep(500);
    long held = written.get();
    // The target reads nothing: what the tunnel could write is bounded by the window, the kernel's
    // socket buffers and one write batch, not by what it wanted to send (64 MiB).
    assertThat(held).isLessThan(16L * 1024 * 1024);

    Channel flowing = open("echo", "flowing");
    Collector c = new Collector();
    flowing.pipeline().addLast(c);
    flowing.read();
    byte[] data = new byte[5 * WINDOW];
    ThreadLocalRandom.current().nextBytes(data);
    flowing.writeAndFlush(Unpooled.wrappedBuffer(data));
    await().atMost(Duration.ofSeconds(10)).until(() -> c.bytes.get() == data.length);
    assertThat(c.copy()).isEqualTo(data);
    c.seen.release();
    // The kernel may still take a little more into the idle target's buffers, but never the 64 MiB.
    assertThat(written.get()).as("the stalled stream stayed stalled").isLessThan(16L * 1024 * 1024);
    assertThat(held).isPositive();
    assertThat(stuck.isActive()).isTrue();
  }

  @Test
  void aTargetTheAgentRefusesFailsTheOpenWithTheAgentsReason() {
    Future<Channel> f =
        broker.open(
            "elsewhere", InetSocketAddress.createUnresolved("elsewhere", 1), group.next(), "x");
    assertThat(f.awaitUninterruptibly(5, TimeUnit.SECONDS)).isTrue();
    assertThat(f.cause())
        .isInstanceOf(MuxStreamException.class)
        .hasMessageContaining("elsewhere is not assigned");
    assertThat(broker.openStreams()).isZero();
  }

  @Test
  void aLostConnectionClosesEveryStreamAndNamesTheirUsers() throws Exception {
    Channel a = open("echo", "session-a");
    Channel b = open("stall", "session-b");
    agentEnd.get().close().sync();
    await().atMost(Duration.ofSeconds(5)).until(() -> !a.isActive() && !b.isActive());
    assertThat(lostLabels.get()).containsExactlyInAnyOrder("session-a", "session-b");
    Future<Channel> after =
        broker.open("echo", InetSocketAddress.createUnresolved("echo", 1), group.next(), "late");
    assertThat(after.awaitUninterruptibly(5, TimeUnit.SECONDS)).isTrue();
    assertThat(after.cause()).hasMessageContaining("agent test is disconnected");
  }

  @Test
  void aPeerSendingBeyondItsCreditLosesTheConnection() throws Exception {
    Channel a = open("stall", "s");
    // Pretend to be a hostile agent: DATA for the stream beyond the window.
    Channel agent = agentEnd.get();
    agent
        .eventLoop()
        .execute(
            () -> {
              for (int i = 0; i <= WINDOW / MuxFrame.MAX_DATA; i++) {
                agent.write(
                    new MuxFrame(
                        MuxFrame.DATA, 1, Unpooled.wrappedBuffer(new byte[MuxFrame.MAX_DATA])));
              }
              agent.flush();
            });
    await().atMost(Duration.ofSeconds(5)).until(() -> !brokerEnd.isActive() && !a.isActive());
  }
}
