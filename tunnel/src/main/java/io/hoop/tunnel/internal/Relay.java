package io.hoop.tunnel.internal;

import io.hoop.tunnel.protocol.CloseNotice;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.ssl.SslCloseCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Relays between a framed TLS channel (DATA/EOF/CLOSE) and a raw TCP channel, with backpressure and
 * half-close. Both channels must share one event loop; every method except {@link #closeWith} runs
 * on it.
 *
 * <p>Backpressure: auto-read is off on both sides and a side is read again only while the other
 * side is writable, so memory per tunnel is bounded by the write-buffer high watermark plus one
 * read.
 */
public final class Relay {
  /**
   * Watermarks for both channels: enough to keep a fast link busy, small enough to bound memory.
   */
  public static final WriteBufferWaterMark WATER_MARK =
      new WriteBufferWaterMark(64 * 1024, 256 * 1024);

  private static final Logger log = LoggerFactory.getLogger(Relay.class);

  /** Receives the end of a relay exactly once. */
  @FunctionalInterface
  public interface Listener {
    void ended(Ending ending);
  }

  /**
   * How a relay ended.
   *
   * @param reason e.g. {@code client_closed}, {@code upstream_closed}, {@code grant_expired}
   * @param received the CLOSE notice the framed peer sent, or null
   * @param bytesFromFramed payload bytes relayed from the framed side to the raw side
   * @param bytesFromRaw bytes relayed from the raw side to the framed side
   */
  public record Ending(
      String reason, CloseNotice received, long bytesFromFramed, long bytesFromRaw) {}

  /**
   * What to say and report when one side goes away.
   *
   * @param framedClosedReason reason when the framed peer finishes last (EOF both ways)
   * @param rawClosedReason reason when the raw peer disconnects or finishes last
   * @param rawClosedNotice CLOSE sent to the framed peer when the raw side drops; null for none
   * @param framedLostReason reason when the framed peer's connection ends without a CLOSE frame
   *     (process killed, TCP reset, TLS failure)
   */
  public record Reasons(
      String framedClosedReason,
      String rawClosedReason,
      CloseNotice rawClosedNotice,
      String framedLostReason) {
    /** Reasons that do not tell a lost framed peer from one that finished. */
    public Reasons(String framedClosedReason, String rawClosedReason, CloseNotice rawClosedNotice) {
      this(framedClosedReason, rawClosedReason, rawClosedNotice, framedClosedReason);
    }
  }

  /** The broker's grace for flushing to an upstream whose client went away. */
  public static final Duration UPSTREAM_CLOSE_GRACE = Duration.ofSeconds(2);

  private final Channel framed;
  private final Channel raw;
  private final Reasons reasons;
  private final Listener listener;
  private final String label;
  private final Duration rawCloseGrace;

  private long fromFramed;
  private long fromRaw;
  private boolean framedEof;
  private boolean rawEof;
  private boolean ended;

  /**
   * @param label identifies the tunnel in logs (e.g. {@code session=... grant=...}); no secrets
   */
  public Relay(Channel framed, Channel raw, Reasons reasons, String label, Listener listener) {
    this(framed, raw, reasons, label, listener, null);
  }

  /**
   * @param rawCloseGrace when the framed side ends, how long what it sent may take to reach the raw
   *     side before the raw side is closed anyway (the broker's: an upstream that neither reads nor
   *     closes must not outlive its client); null waits for the flush however long it takes (the
   *     CLI's: the local application reads at its own pace)
   */
  public Relay(
      Channel framed,
      Channel raw,
      Reasons reasons,
      String label,
      Listener listener,
      Duration rawCloseGrace) {
    this.rawCloseGrace = rawCloseGrace;
    this.framed = Objects.requireNonNull(framed, "framed");
    this.raw = Objects.requireNonNull(raw, "raw");
    this.reasons = Objects.requireNonNull(reasons, "reasons");
    this.label = Objects.requireNonNull(label, "label");
    this.listener = Objects.requireNonNull(listener, "listener");
    if (framed.eventLoop() != raw.eventLoop()) {
      throw new IllegalArgumentException("relay channels must share one event loop");
    }
  }

  /** The handler to install as the last inbound handler of the framed channel. */
  public ChannelHandler framedHandler() {
    return new FramedSide();
  }

  /** The handler to install as the last inbound handler of the raw channel. */
  public ChannelHandler rawHandler() {
    return new RawSide();
  }

  /** Starts moving bytes, once both handlers are installed. */
  public void start() {
    framed.config().setWriteBufferWaterMark(WATER_MARK);
    raw.config().setWriteBufferWaterMark(WATER_MARK);
    framed.read();
    raw.read();
  }

  /**
   * Sends {@code notice} to the framed peer and closes both sides. Safe from any thread; a no-op
   * once the relay has ended.
   */
  public void closeWith(CloseNotice notice, String reason) {
    if (!framed.eventLoop().inEventLoop()) {
      framed.eventLoop().execute(() -> closeWith(notice, reason));
      return;
    }
    if (ended) {
      return;
    }
    end(reason, null);
    if (framed.isActive()) {
      framed.writeAndFlush(notice);
    }
    Frames.closeOnFlush(framed);
    raw.close();
  }

  private void end(String reason, CloseNotice received) {
    if (ended) {
      return;
    }
    ended = true;
    log.debug(
        "relay ended {} reason={} fromFramed={} fromRaw={}", label, reason, fromFramed, fromRaw);
    try {
      listener.ended(new Ending(reason, received, fromFramed, fromRaw));
    } catch (RuntimeException e) {
      log.warn("relay end listener failed {}", label, e);
    }
  }

  private void finishIfBothEof(String lastReason) {
    if (framedEof && rawEof) {
      end(lastReason, null);
      Frames.closeOnFlush(framed);
      Frames.closeOnFlush(raw);
    }
  }

  /**
   * Closes the raw side once what was written to it is flushed, or after the raw close grace if it
   * is not reading (an upstream blocked writing to a tunnel that no longer reads it).
   */
  private void closeRaw() {
    Frames.closeOnFlush(raw);
    if (rawCloseGrace != null && raw.isOpen()) {
      ScheduledFuture<?> force =
          raw.eventLoop()
              .schedule(
                  () -> {
                    if (raw.isOpen()) {
                      log.debug("relay raw side closed after the grace {}", label);
                      raw.close();
                    }
                  },
                  rawCloseGrace.toMillis(),
                  TimeUnit.MILLISECONDS);
      raw.closeFuture().addListener(f -> force.cancel(false));
    }
  }

  private void shutdownRawOutputAfterPendingWrites() {
    // shutdownOutput() fails writes still queued, so wait for everything before it to be written.
    raw.writeAndFlush(Unpooled.EMPTY_BUFFER)
        .addListener(
            f -> {
              if (raw instanceof DuplexChannel duplex && raw.isActive()) {
                duplex.shutdownOutput();
              }
            });
  }

  private final class FramedSide extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof ByteBuf data) {
        if (ended || framedEof) {
          data.release();
          return;
        }
        fromFramed += data.readableBytes();
        // Flushed once per read in channelReadComplete: one syscall for all frames of a read.
        raw.write(data).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
      } else if (msg instanceof Frames.Eof) {
        if (!framedEof && !ended) {
          framedEof = true;
          shutdownRawOutputAfterPendingWrites();
          finishIfBothEof(reasons.framedClosedReason());
        }
      } else if (msg instanceof CloseNotice notice) {
        end(notice.code(), notice);
        framed.close();
        closeRaw();
      } else if (msg instanceof Frames.Malformed malformed) {
        log.info("relay protocol error {} problem={}", label, malformed.message());
        closeWith(new CloseNotice("protocol_error", malformed.message()), "protocol_error");
      } else {
        ReferenceCountUtil.release(msg);
        framed.read();
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      raw.flush();
      // After EOF nothing more is relayed, so backpressure does not apply; reading on is how a
      // CLOSE, a disconnect or a silent peer (see KeepaliveHandler) is still noticed.
      if ((framedEof || raw.isWritable()) && !ended) {
        framed.read();
      }
      ctx.fireChannelReadComplete();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      if (framed.isWritable() && !rawEof && !ended) {
        raw.read();
      }
      ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      end(reasons.framedLostReason(), null);
      closeRaw();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof ChannelInputShutdownEvent
          || evt instanceof ChannelInputShutdownReadComplete
          || evt instanceof SslCloseCompletionEvent) {
        // The tunnel half-closes with EOF frames, never with a TCP FIN or a TLS close_notify: on a
        // socket that allows half-closure (the broker's) this is the peer going away, and
        // ignoring it kept such tunnels, and their upstream connections, open for good.
        end(reasons.framedLostReason(), null);
        framed.close();
        closeRaw();
      }
      ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      log.debug("relay framed side failed {}", label, cause);
      end(reasons.framedLostReason(), null);
      framed.close();
      closeRaw();
    }
  }

  private final class RawSide extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (!(msg instanceof ByteBuf data) || ended) {
        ReferenceCountUtil.release(msg);
        return;
      }
      fromRaw += data.readableBytes();
      framed.write(data).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      framed.flush();
      if (framed.isWritable() && !rawEof && !ended) {
        raw.read();
      }
      ctx.fireChannelReadComplete();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof ChannelInputShutdownEvent && !rawEof && !ended) {
        rawEof = true;
        framed.writeAndFlush(Frames.Eof.INSTANCE);
        finishIfBothEof(reasons.rawClosedReason());
      }
      ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      if (raw.isWritable() && !framedEof && !ended) {
        framed.read();
      }
      ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (!ended) {
        end(reasons.rawClosedReason(), null);
        if (reasons.rawClosedNotice() != null && framed.isActive()) {
          framed.writeAndFlush(reasons.rawClosedNotice());
        }
      }
      Frames.closeOnFlush(framed);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      log.debug("relay raw side failed {}", label, cause);
      raw.close();
    }
  }
}
