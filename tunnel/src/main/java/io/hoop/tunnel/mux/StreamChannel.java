package io.hoop.tunnel.mux;

import io.netty.buffer.ByteBuf;
import io.netty.channel.AbstractChannel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelMetadata;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultChannelConfig;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayDeque;

/**
 * The broker's end of one agent stream as a netty channel on the tunnel's own event loop, so the
 * relay and the engines use it as they use a socket to the target (auto-read off, read on demand,
 * writability for backpressure) and never learn it is a stream. Writes go to the stream, which
 * sends them within its credit; while more than a window is queued the channel reports itself not
 * writable. Reads deliver what the agent sent; the stream's credit is given back as they are read.
 * {@link #shutdownOutput()} is a half-close, as on a socket: the agent shuts its target socket's
 * output (SHUT) and the stream ends when the target closes.
 */
final class StreamChannel extends AbstractChannel implements DuplexChannel {
  private static final ChannelMetadata METADATA = new ChannelMetadata(false);
  private static final int WRITABILITY_BIT = 1;

  private final MuxStream stream;
  private final ChannelConfig config = new DefaultChannelConfig(this);
  private final InetSocketAddress remote;
  private final SocketAddress local;
  private final ArrayDeque<ByteBuf> inbound = new ArrayDeque<>();
  private boolean open = true;
  private boolean readPending;
  private boolean remoteEnded;
  private boolean outputShutdown;

  StreamChannel(MuxStream stream, InetSocketAddress remote, String local) {
    super(null);
    this.stream = stream;
    this.remote = remote;
    this.local = new StreamAddress(local);
    config.setAutoRead(false);
  }

  /** How the local end names itself: the agent and stream, for logs. */
  static final class StreamAddress extends SocketAddress {
    private static final long serialVersionUID = 1L;
    private final String name;

    StreamAddress(String name) {
      this.name = name;
    }

    @Override
    public String toString() {
      return name;
    }
  }

  @Override
  public ChannelConfig config() {
    return config;
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  @Override
  public boolean isActive() {
    return open;
  }

  @Override
  public ChannelMetadata metadata() {
    return METADATA;
  }

  @Override
  protected AbstractUnsafe newUnsafe() {
    return new AbstractUnsafe() {
      @Override
      public void connect(SocketAddress remote, SocketAddress local, ChannelPromise promise) {
        promise.setFailure(new UnsupportedOperationException("a stream channel is born connected"));
      }
    };
  }

  @Override
  protected boolean isCompatible(EventLoop loop) {
    return true;
  }

  @Override
  protected SocketAddress localAddress0() {
    return local;
  }

  @Override
  protected SocketAddress remoteAddress0() {
    return remote;
  }

  @Override
  protected void doBind(SocketAddress localAddress) {
    throw new UnsupportedOperationException("a stream channel cannot bind");
  }

  @Override
  protected void doDisconnect() {
    doClose();
  }

  @Override
  protected void doClose() {
    if (!open) {
      return;
    }
    open = false;
    while (!inbound.isEmpty()) {
      inbound.poll().release();
    }
    stream.localClosed();
  }

  @Override
  protected void doBeginRead() {
    if (!open) {
      return;
    }
    readPending = true;
    deliver();
  }

  @Override
  protected void doWrite(ChannelOutboundBuffer out) {
    if (outputShutdown) {
      while (out.remove(new ClosedChannelException())) {
        // writes after shutdownOutput() fail, as on a socket
      }
      return;
    }
    for (Object msg; (msg = out.current()) != null; ) {
      if (msg instanceof ByteBuf buf && buf.isReadable()) {
        if (stream.queueOut(buf.retain()) > stream.window()) {
          out.setUserDefinedWritability(WRITABILITY_BIT, false);
          if (stream.queuedOut() <= stream.window() / 2) {
            // The connection drained it meanwhile and may have set it writable before this.
            out.setUserDefinedWritability(WRITABILITY_BIT, true);
          }
        }
      }
      out.remove();
    }
  }

  @Override
  protected Object filterOutboundMessage(Object msg) {
    if (msg instanceof ByteBuf) {
      return msg;
    }
    ReferenceCountUtil.release(msg);
    throw new UnsupportedOperationException("a stream channel writes bytes only");
  }

  /** The connection sent queued bytes; any thread. */
  void drained(long left) {
    if (left <= stream.window() / 2) {
      ChannelOutboundBuffer out = unsafe().outboundBuffer();
      if (out != null) {
        out.setUserDefinedWritability(WRITABILITY_BIT, true);
      }
    }
  }

  /** Bytes from the agent; any thread. */
  void received(ByteBuf data) {
    EventLoop loop = eventLoop();
    if (loop.inEventLoop()) {
      if (!open) {
        data.release();
        return;
      }
      inbound.add(data);
      if (readPending) {
        deliver();
      }
    } else {
      loop.execute(() -> received(data));
    }
  }

  /** The agent ended the stream: what came before is still read, then the channel closes. */
  void remoteEnded() {
    EventLoop loop = eventLoop();
    if (!loop.inEventLoop()) {
      loop.execute(this::remoteEnded);
      return;
    }
    remoteEnded = true;
    if (inbound.isEmpty()) {
      ended();
    }
  }

  /**
   * The agent's side ended and everything it sent was read. After this end's own half-close that is
   * the other half, so it reads as a socket's EOF first (the relay then ends cleanly, as over TCP);
   * the stream is gone either way, so the channel closes.
   */
  private void ended() {
    if (outputShutdown && open) {
      pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
    }
    close();
  }

  private void deliver() {
    if (inbound.isEmpty()) {
      return;
    }
    readPending = false;
    long n = 0;
    while (!inbound.isEmpty() && open) {
      ByteBuf b = inbound.poll();
      n += b.readableBytes();
      pipeline().fireChannelRead(b);
    }
    pipeline().fireChannelReadComplete();
    stream.consumedLater((int) n);
    if (remoteEnded && inbound.isEmpty()) {
      ended();
    }
  }

  @Override
  public boolean isOutputShutdown() {
    return outputShutdown || !open;
  }

  @Override
  public ChannelFuture shutdownOutput() {
    return shutdownOutput(newPromise());
  }

  /** Half-closes: the agent gets SHUT once what was written went out; reading goes on. */
  @Override
  public ChannelFuture shutdownOutput(ChannelPromise promise) {
    EventLoop loop = eventLoop();
    if (!loop.inEventLoop()) {
      loop.execute(() -> shutdownOutput(promise));
      return promise;
    }
    if (!open) {
      return promise.setFailure(new ClosedChannelException());
    }
    if (!outputShutdown) {
      outputShutdown = true;
      stream.localShutdown();
    }
    return promise.setSuccess();
  }

  @Override
  public boolean isInputShutdown() {
    return remoteEnded || !open;
  }

  /** Not supported: the agent's bytes cannot be refused mid-stream; close the channel instead. */
  @Override
  public ChannelFuture shutdownInput() {
    return shutdownInput(newPromise());
  }

  @Override
  public ChannelFuture shutdownInput(ChannelPromise promise) {
    return promise.setFailure(
        new UnsupportedOperationException("a stream channel cannot shut its input; close it"));
  }

  @Override
  public boolean isShutdown() {
    return isInputShutdown() && isOutputShutdown();
  }

  @Override
  public ChannelFuture shutdown() {
    return shutdown(newPromise());
  }

  /** The output only (see {@link #shutdownInput()}). */
  @Override
  public ChannelFuture shutdown(ChannelPromise promise) {
    return shutdownOutput(promise);
  }
}
