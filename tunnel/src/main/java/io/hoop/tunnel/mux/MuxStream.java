package io.hoop.tunnel.mux;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One stream of a {@link MuxConnection}. On the agent it is bridged onto the socket to the target
 * ({@link Bridge}); on the broker it is a {@link StreamChannel} on the tunnel's event loop. Credit
 * of both directions is kept here, on the connection's event loop.
 */
final class MuxStream {
  private final MuxConnection conn;
  private final int id;
  private final String target;
  private final String label;
  private final Promise<Channel> promise;
  private final EventLoop clientLoop;
  private final ArrayDeque<ByteBuf> pendingIn = new ArrayDeque<>();
  private final ArrayDeque<ByteBuf> unsent = new ArrayDeque<>();
  private final AtomicLong queuedOut = new AtomicLong();
  private Channel bridged;
  private StreamChannel tunnelSide;
  private long sendCredit;
  private long receivedUnacked;
  private boolean localEnded;

  /** Broker end: the tunnel shut its output (the client's EOF); SHUT goes once what waits went. */
  private boolean outputShut;

  private boolean shutSent;

  /**
   * Agent end: the broker sent SHUT; the target socket's output shuts once attached and written.
   */
  private boolean peerShut;

  private boolean ended;
  ScheduledFuture<?> openTimeout;
  InetSocketAddress remote;

  MuxStream(
      MuxConnection conn,
      int id,
      String target,
      String label,
      Promise<Channel> promise,
      EventLoop clientLoop) {
    this.conn = conn;
    this.id = id;
    this.target = target;
    this.label = label;
    this.promise = promise;
    this.clientLoop = clientLoop;
    this.sendCredit = conn.window();
  }

  int id() {
    return id;
  }

  String label() {
    return label;
  }

  int window() {
    return conn.window();
  }

  boolean attached() {
    return bridged != null || tunnelSide != null;
  }

  /** Broker end: the agent connected to the target; the tunnel gets its channel. */
  void opened(InetSocketAddress remote) {
    if (promise == null || attached() || ended) {
      return;
    }
    if (openTimeout != null) {
      openTimeout.cancel(false);
      openTimeout = null;
    }
    StreamChannel ch = new StreamChannel(this, remote, conn.peer() + " stream " + id);
    tunnelSide = ch;
    while (!pendingIn.isEmpty()) {
      ch.received(pendingIn.poll());
    }
    clientLoop
        .register(ch)
        .addListener(
            f -> {
              if (!f.isSuccess() || !promise.trySuccess(ch)) {
                ch.close();
              }
            });
  }

  /** Agent end: bridges the socket {@code ch} (on the connection's loop, auto-read off). */
  void attach(Channel ch) {
    this.bridged = ch;
    ch.pipeline().addLast("hoop-mux-stream", new Bridge());
    while (!pendingIn.isEmpty()) {
      write(pendingIn.poll());
    }
    ch.flush();
    if (peerShut) {
      shutBridgedOutput();
    }
    resume();
  }

  /** Agent end: the broker's side sends no more; the target reads EOF after what it got. */
  void peerShut() {
    if (ended || peerShut) {
      return;
    }
    peerShut = true;
    if (bridged != null) {
      shutBridgedOutput();
    }
  }

  private void shutBridgedOutput() {
    Channel ch = bridged;
    ch.writeAndFlush(Unpooled.EMPTY_BUFFER)
        .addListener(
            f -> {
              if (ch instanceof io.netty.channel.socket.DuplexChannel duplex && ch.isActive()) {
                duplex.shutdownOutput();
              } else {
                ch.close();
              }
            });
  }

  /** Broker end, tunnel's loop: the tunnel shut its output (the client sent EOF). */
  void localShutdown() {
    conn.channel()
        .eventLoop()
        .execute(
            () -> {
              if (!ended && conn.isCurrent(this)) {
                outputShut = true;
                drain();
                conn.flush();
              }
            });
  }

  /** DATA from the peer; false when it exceeds the credit this end granted. */
  boolean received(ByteBuf data) {
    int n = data.readableBytes();
    if (receivedUnacked + n > conn.window()) {
      data.release();
      return false;
    }
    receivedUnacked += n;
    if (tunnelSide != null) {
      tunnelSide.received(data);
    } else if (bridged == null) {
      pendingIn.add(data);
    } else {
      write(data);
      bridged.flush();
    }
    return true;
  }

  private void write(ByteBuf data) {
    int n = data.readableBytes();
    bridged
        .write(data)
        .addListener(
            (ChannelFutureListener)
                f -> {
                  if (f.isSuccess()) {
                    consumed(n);
                  } else {
                    f.channel().close();
                  }
                });
  }

  /** Broker end, any thread: the tunnel read {@code n} of the peer's bytes. */
  void consumedLater(int n) {
    if (n > 0) {
      conn.channel().eventLoop().execute(() -> consumed(n));
    }
  }

  /** Bytes of the peer's left this end: grant them again. On the connection's loop. */
  private void consumed(int n) {
    if (ended || !conn.isCurrent(this)) {
      return;
    }
    receivedUnacked -= n;
    conn.send(MuxFrame.credit(id, n));
    conn.flush();
  }

  /** CREDIT from the peer; false when it would exceed the window. */
  boolean credited(int n) {
    if (n <= 0 || sendCredit + n > conn.window()) {
      return false;
    }
    sendCredit += n;
    drain();
    conn.flush();
    resume();
    return true;
  }

  /** Sends what waits and reads the bridged socket again if credit and the connection allow. */
  void resume() {
    if (ended) {
      return;
    }
    if (!unsent.isEmpty() || localEnded) {
      drain();
      conn.flush();
    }
    if (bridged != null && !localEnded && unsent.isEmpty() && sendCredit > 0 && conn.writable()) {
      bridged.read();
    }
  }

  /** Broker end, tunnel's loop: bytes the tunnel wrote; returns how many are queued now. */
  long queueOut(ByteBuf data) {
    long queued = queuedOut.addAndGet(data.readableBytes());
    conn.channel()
        .eventLoop()
        .execute(
            () -> {
              if (ended) {
                data.release();
                return;
              }
              unsent.add(data);
              drain();
              conn.flush();
            });
    return queued;
  }

  long queuedOut() {
    return queuedOut.get();
  }

  /** Broker end, tunnel's loop: the tunnel closed its channel. */
  void localClosed() {
    conn.channel()
        .eventLoop()
        .execute(
            () -> {
              if (!ended && conn.isCurrent(this)) {
                localEnded = true;
                drain();
                conn.flush();
              }
            });
  }

  /** Sends unsent bytes within the credit; sends FIN once the local side ended and all went. */
  private void drain() {
    long sent = 0;
    while (!unsent.isEmpty() && sendCredit > 0 && conn.writable()) {
      ByteBuf head = unsent.peek();
      int n = (int) Math.min(Math.min(sendCredit, MuxFrame.MAX_DATA), head.readableBytes());
      ByteBuf part = head.readRetainedSlice(n);
      if (!head.isReadable()) {
        unsent.poll().release();
      }
      sendCredit -= n;
      sent += n;
      conn.send(new MuxFrame(MuxFrame.DATA, id, part));
    }
    if (sent > 0 && tunnelSide != null) {
      tunnelSide.drained(queuedOut.addAndGet(-sent));
    }
    if (localEnded && unsent.isEmpty() && !ended) {
      ended = true;
      conn.finish(this);
    } else if (outputShut && !shutSent && unsent.isEmpty() && !ended) {
      shutSent = true;
      conn.send(MuxFrame.empty(MuxFrame.SHUT, id));
    }
  }

  /** The peer closed the stream normally: the local side closes once its writes are out. */
  void finished() {
    cancelOpenTimeout();
    if (promise != null) {
      promise.tryFailure(new MuxStreamException(conn.peer() + " closed the stream to " + target));
    }
    end();
    if (bridged != null) {
      bridged.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }
    if (tunnelSide != null) {
      tunnelSide.remoteEnded();
    }
  }

  /** The stream failed: the opener hears why, the local side closes at once. */
  void aborted(String reason) {
    cancelOpenTimeout();
    if (promise != null) {
      promise.tryFailure(new MuxStreamException(reason));
    }
    end();
    if (bridged != null) {
      bridged.close();
    }
    if (tunnelSide != null) {
      tunnelSide.close();
    }
  }

  private void cancelOpenTimeout() {
    if (openTimeout != null) {
      openTimeout.cancel(false);
      openTimeout = null;
    }
  }

  private void end() {
    ended = true;
    while (!pendingIn.isEmpty()) {
      pendingIn.poll().release();
    }
    while (!unsent.isEmpty()) {
      unsent.poll().release();
    }
  }

  /** On the agent's socket to the target: what it reads goes out as DATA within the credit. */
  private final class Bridge extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (!(msg instanceof ByteBuf data) || ended) {
        ReferenceCountUtil.release(msg);
        return;
      }
      if (!data.isReadable()) {
        data.release();
        return;
      }
      unsent.add(data);
      drain();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      conn.flush();
      resume();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (!ended && conn.isCurrent(MuxStream.this)) {
        localEnded = true;
        drain();
        conn.flush();
      }
      ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
