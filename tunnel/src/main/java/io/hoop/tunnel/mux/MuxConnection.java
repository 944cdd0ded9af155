package io.hoop.tunnel.mux;

import static java.util.Objects.requireNonNull;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.handler.ssl.SslCloseCompletionEvent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Many streams over one agent connection, after its HELLO/WELCOME. The broker end ({@link
 * Role#OPENER}) opens streams by target name and gets a local {@link Channel} per stream that
 * relays and engines use like a socket; the agent end ({@link Role#ACCEPTOR}) dials the target its
 * {@link Acceptor} allows and bridges the socket onto the stream.
 *
 * <p>Each stream has a window per direction: a sender sends DATA only within the credit the
 * receiver granted, and the receiver grants it again only once the bytes left its hands (written to
 * the target's socket, or read by the tunnel's relay). So a slow target or a slow client stalls its
 * own stream and nothing else, and a receiver never holds more than one window per stream. A peer
 * that sends beyond its credit, reuses a stream id or breaks framing loses the whole connection.
 * Everything here runs on the connection's event loop.
 */
public final class MuxConnection extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(MuxConnection.class);

  /** How long streams outlive a lost connection, for their tunnels' goodbyes. */
  private static final long STREAM_END_DELAY_MILLIS = 1000;

  /** Which end of the connection this is. */
  public enum Role {
    /** The broker: opens streams. */
    OPENER,
    /** The agent: accepts streams to the targets it was assigned. */
    ACCEPTOR
  }

  /** The agent's policy and dialer: a channel to an assigned target, or a failed future. */
  @FunctionalInterface
  public interface Acceptor {
    /**
     * Connects to {@code target} on {@code loop} with auto-read off.
     *
     * @return the connected channel; a failure whose message is the reason (sent in RESET)
     */
    Future<Channel> connect(String target, EventLoop loop);
  }

  /** Told once when the connection ends, with the labels of the streams it still carried. */
  @FunctionalInterface
  public interface Listener {
    void closed(String reason, List<String> openLabels);
  }

  private final Role role;
  private final String peer;
  private final Acceptor acceptor;
  private final int window;
  private final int maxStreams;
  private final Listener listener;
  private final Map<Integer, MuxStream> streams = new HashMap<>();
  private Channel channel;
  private int nextId = 1;
  private int highestAccepted;
  private String closeReason;

  /**
   * @param role which end this is
   * @param peer how logs and reasons name the other end, e.g. {@code agent eu1}
   * @param acceptor the dialer of an {@link Role#ACCEPTOR}; null for an opener
   * @param window per-stream credit in each direction, bytes
   * @param maxStreams open streams at most
   * @param listener told when the connection ends
   */
  public MuxConnection(
      Role role, String peer, Acceptor acceptor, int window, int maxStreams, Listener listener) {
    this.role = requireNonNull(role, "role");
    this.peer = requireNonNull(peer, "peer");
    this.listener = requireNonNull(listener, "listener");
    if ((role == Role.ACCEPTOR) != (acceptor != null)) {
      throw new IllegalArgumentException("an acceptor needs an Acceptor, an opener none");
    }
    if (window < MuxFrame.MAX_DATA || window > 16 * 1024 * 1024) {
      throw new IllegalArgumentException(
          "window " + window + " must be in " + MuxFrame.MAX_DATA + ".." + 16 * 1024 * 1024);
    }
    if (maxStreams < 1) {
      throw new IllegalArgumentException("maxStreams " + maxStreams + " must be at least 1");
    }
    this.acceptor = acceptor;
    this.window = window;
    this.maxStreams = maxStreams;
  }

  /** How logs and reasons name the other end. */
  public String peer() {
    return peer;
  }

  int window() {
    return window;
  }

  Channel channel() {
    return channel;
  }

  /** Streams open now (a snapshot; any thread). */
  public int openStreams() {
    return streamCount;
  }

  private volatile int streamCount;

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.channel = ctx.channel();
  }

  /**
   * Opens a stream to {@code target} (broker end), whose address the channel reports as {@code
   * remote}. The future completes with a channel registered on {@code clientLoop} (auto-read off)
   * once the agent connected to the target (a channel, not a socket: reads and writes are the
   * stream's), or fails with a {@link MuxStreamException} naming why. Any thread.
   *
   * @param label names the stream's user (a tunnel session id) in {@link Listener#closed}
   */
  public Future<Channel> open(
      String target, InetSocketAddress remote, EventLoop clientLoop, String label) {
    requireNonNull(target, "target");
    requireNonNull(remote, "remote");
    requireNonNull(clientLoop, "clientLoop");
    requireNonNull(label, "label");
    if (role != Role.OPENER) {
      throw new IllegalStateException("only the broker end opens streams");
    }
    Promise<Channel> promise = clientLoop.newPromise();
    EventLoop loop = channel.eventLoop();
    loop.execute(() -> openOnLoop(target, remote, clientLoop, label, promise));
    return promise;
  }

  private void openOnLoop(
      String target,
      InetSocketAddress remote,
      EventLoop clientLoop,
      String label,
      Promise<Channel> p) {
    if (closeReason != null || !channel.isActive()) {
      p.tryFailure(new MuxStreamException(peer + " is disconnected"));
      return;
    }
    if (streams.size() >= maxStreams) {
      p.tryFailure(
          new MuxStreamException(peer + " carries its maximum of " + maxStreams + " streams"));
      return;
    }
    int id = nextId;
    nextId += 2;
    MuxStream stream = new MuxStream(this, id, target, label, p, clientLoop);
    add(stream);
    stream.remote = remote;
    channel.writeAndFlush(MuxFrame.text(MuxFrame.OPEN, id, target));
    stream.openTimeout =
        channel
            .eventLoop()
            .schedule(
                () -> {
                  if (streams.get(id) == stream && !stream.attached()) {
                    reset(stream, "no answer from " + peer + " within 10s");
                  }
                },
                10,
                TimeUnit.SECONDS);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof MuxDecoder.Malformed malformed) {
      fail("protocol error from " + peer + ": " + malformed.reason());
      return;
    }
    if (!(msg instanceof MuxFrame frame)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    try {
      handle(frame);
    } finally {
      frame.release();
    }
  }

  private void handle(MuxFrame frame) {
    if (closeReason != null) {
      return;
    }
    switch (frame.type()) {
      case MuxFrame.PING -> {}
      case MuxFrame.OPEN -> accept(frame.stream(), frame.text());
      case MuxFrame.OPENED -> {
        MuxStream s = streams.get(frame.stream());
        if (role != Role.OPENER) {
          fail("protocol error from " + peer + ": OPENED sent to the agent");
        } else if (s != null) {
          s.opened(s.remote);
        }
      }
      case MuxFrame.DATA -> {
        MuxStream s = streams.get(frame.stream());
        if (s != null) {
          if (!s.received(frame.payload().retain())) {
            fail(
                "protocol error from "
                    + peer
                    + ": stream "
                    + frame.stream()
                    + " got more DATA than its window of "
                    + window
                    + " bytes");
          }
        }
      }
      case MuxFrame.CREDIT -> {
        MuxStream s = streams.get(frame.stream());
        int n = frame.payload().getInt(frame.payload().readerIndex());
        if (s != null && !s.credited(n)) {
          fail(
              "protocol error from "
                  + peer
                  + ": stream "
                  + frame.stream()
                  + " was granted "
                  + Integer.toUnsignedString(n)
                  + " bytes, beyond its window of "
                  + window);
        }
      }
      case MuxFrame.SHUT -> {
        MuxStream s = streams.get(frame.stream());
        if (role != Role.ACCEPTOR) {
          fail("protocol error from " + peer + ": SHUT sent to the broker");
        } else if (s != null) {
          s.peerShut();
        }
      }
      case MuxFrame.FIN -> {
        MuxStream s = remove(frame.stream());
        if (s != null) {
          s.finished();
        }
      }
      case MuxFrame.RESET -> {
        MuxStream s = remove(frame.stream());
        if (s != null) {
          s.aborted(peer + " reset the stream: " + printable(frame.text()));
        }
      }
      default ->
          fail(
              "protocol error from "
                  + peer
                  + ": "
                  + MuxFrame.name(frame.type())
                  + " after the handshake");
    }
  }

  private void accept(int id, String target) {
    if (role != Role.ACCEPTOR) {
      fail("protocol error from " + peer + ": OPEN sent to the broker");
      return;
    }
    if ((id & 1) == 0 || id <= highestAccepted) {
      fail(
          "protocol error from "
              + peer
              + ": OPEN of stream "
              + id
              + "; expected an odd id above "
              + highestAccepted);
      return;
    }
    highestAccepted = id;
    if (streams.size() >= maxStreams) {
      channel.writeAndFlush(
          MuxFrame.text(
              MuxFrame.RESET, id, "the agent carries its maximum of " + maxStreams + " streams"));
      return;
    }
    MuxStream stream = new MuxStream(this, id, target, "", null, null);
    add(stream);
    Future<Channel> connect;
    try {
      connect = acceptor.connect(target, channel.eventLoop());
    } catch (RuntimeException e) {
      log.warn("agent acceptor failed target={}", target, e);
      reset(stream, "the agent could not open " + target);
      return;
    }
    connect.addListener(
        f -> {
          if (!f.isSuccess()) {
            String why = f.cause() == null ? "connection failed" : f.cause().getMessage();
            if (streams.get(id) == stream) {
              reset(stream, why);
            }
            return;
          }
          Channel ch = (Channel) f.getNow();
          if (streams.get(id) != stream || closeReason != null) {
            ch.close();
            return;
          }
          channel.write(MuxFrame.empty(MuxFrame.OPENED, id));
          stream.attach(ch);
          channel.flush();
        });
  }

  private void add(MuxStream stream) {
    streams.put(stream.id(), stream);
    streamCount = streams.size();
  }

  MuxStream remove(int id) {
    MuxStream s = streams.remove(id);
    streamCount = streams.size();
    return s;
  }

  boolean isCurrent(MuxStream stream) {
    return streams.get(stream.id()) == stream;
  }

  /** Ends a stream with a reason on both ends. */
  void reset(MuxStream stream, String reason) {
    if (remove(stream.id()) == null) {
      return;
    }
    if (channel.isActive()) {
      channel.writeAndFlush(MuxFrame.text(MuxFrame.RESET, stream.id(), reason));
    }
    stream.aborted(reason);
  }

  /** The stream's local side ended normally and everything it sent went out. */
  void finish(MuxStream stream) {
    if (remove(stream.id()) != null && channel.isActive()) {
      channel.writeAndFlush(MuxFrame.empty(MuxFrame.FIN, stream.id()));
    }
  }

  void send(MuxFrame frame) {
    channel.write(frame);
  }

  void flush() {
    channel.flush();
  }

  boolean writable() {
    return channel.isWritable() && closeReason == null;
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    ctx.flush();
    ctx.fireChannelReadComplete();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (ctx.channel().isWritable()) {
      for (MuxStream s : new ArrayList<>(streams.values())) {
        s.resume();
      }
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof ChannelInputShutdownEvent
        || evt instanceof ChannelInputShutdownReadComplete
        || evt instanceof SslCloseCompletionEvent) {
      // The peer's end is the connection's end (the broker's sockets allow half-closure).
      fail(peer + " disconnected");
      return;
    }
    if (evt instanceof IdleStateEvent idle) {
      switch (idle.state()) {
        case READER_IDLE -> fail(peer + " sent nothing for too long (dead peer)");
        case WRITER_IDLE -> ctx.writeAndFlush(MuxFrame.empty(MuxFrame.PING, 0));
        default -> {}
      }
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("agent connection failed peer={}", peer, cause);
    // a reset (the agent killed with data unread) is a disconnect like a FIN: say so the same way
    fail(peer + " disconnected: " + cause.getMessage());
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    fail(peer + " disconnected");
    ctx.fireChannelInactive();
  }

  /** Ends the connection and every stream on it with {@code reason}. */
  public void close(String reason) {
    if (channel.eventLoop().inEventLoop()) {
      fail(reason);
    } else {
      channel.eventLoop().execute(() -> fail(reason));
    }
  }

  private void fail(String reason) {
    if (closeReason != null) {
      return;
    }
    closeReason = reason;
    log.info(
        "agent connection closed peer={} streams={} reason=\"{}\"", peer, streams.size(), reason);
    List<MuxStream> open = new ArrayList<>(streams.values());
    List<String> labels = new ArrayList<>();
    for (MuxStream s : open) {
      if (!s.label().isEmpty()) {
        labels.add(s.label());
      }
    }
    try {
      listener.closed(reason, List.copyOf(labels));
    } catch (RuntimeException e) {
      log.warn("agent connection listener failed peer={}", peer, e);
    }
    streams.clear();
    streamCount = 0;
    channel.close();
    List<MuxStream> later = new ArrayList<>();
    for (MuxStream s : open) {
      if (s.attached() && !s.label().isEmpty()) {
        later.add(s);
      } else {
        s.aborted(reason);
      }
    }
    if (!later.isEmpty()) {
      // The listener closed their tunnels with a goodbye that names the reason; the streams end
      // just after it, so the tunnel does not first see its upstream vanish without one.
      channel
          .eventLoop()
          .schedule(
              () -> later.forEach(s -> s.aborted(reason)),
              STREAM_END_DELAY_MILLIS,
              TimeUnit.MILLISECONDS);
    }
  }

  /** Printable ASCII of a peer's text, at most 200 characters: it goes into logs and errors. */
  static String printable(String text) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < text.length() && b.length() < 200; i++) {
      char c = text.charAt(i);
      b.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return b.toString();
  }
}
