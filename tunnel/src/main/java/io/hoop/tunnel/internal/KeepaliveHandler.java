package io.hoop.tunnel.internal;

import static java.util.Objects.requireNonNull;

import io.hoop.tunnel.protocol.Keepalive;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Keeps a framed tunnel channel honest about its peer: sends a PING every {@link
 * Keepalive#interval()}, swallows the peer's PINGs, and reports the peer as gone when a read has
 * been waiting {@link Keepalive#deadPeerTimeout()} without any frame arriving.
 *
 * <p>It sits right after the frame decoder. Only time spent <em>waiting for a read</em> counts: a
 * tunnel that does not read its peer because the other side is not writable (backpressure) is not
 * mistaken for a dead one; the wait starts again with the next {@code read()}. One timer per
 * channel on its own event loop, rescheduled to the earlier of the next PING and the peer's
 * deadline, so a dead peer is seen at the deadline, not up to an interval later.
 */
public final class KeepaliveHandler extends ChannelDuplexHandler {
  /** Told once, on the event loop, that the peer sent nothing for the dead-peer timeout. */
  @FunctionalInterface
  public interface DeadPeer {
    void unresponsive(long silentMillis);
  }

  private static final long NOT_WAITING = -1;

  private final long intervalNanos;
  private final long deadNanos;
  private final DeadPeer deadPeer;

  private ChannelHandlerContext ctx;
  private ScheduledFuture<?> timer;
  private long waitingSince = NOT_WAITING;
  private long lastPing;
  private boolean done;

  public KeepaliveHandler(Keepalive keepalive, DeadPeer deadPeer) {
    requireNonNull(keepalive, "keepalive");
    this.intervalNanos = keepalive.interval().toNanos();
    this.deadNanos = keepalive.deadPeerTimeout().toNanos();
    this.deadPeer = requireNonNull(deadPeer, "deadPeer");
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    lastPing = now();
    if (ctx.channel().isActive()) {
      schedule(intervalNanos);
    } else {
      done = true;
    }
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    stop();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    stop();
    ctx.fireChannelInactive();
  }

  @Override
  public void read(ChannelHandlerContext ctx) {
    if (waitingSince == NOT_WAITING) {
      waitingSince = now();
      reschedule();
    }
    ctx.read();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    waitingSince = NOT_WAITING;
    if (msg instanceof Frames.Ping) {
      return;
    }
    ctx.fireChannelRead(msg);
  }

  private void tick() {
    timer = null;
    if (done || !ctx.channel().isActive()) {
      return;
    }
    long now = now();
    if (waitingSince != NOT_WAITING && now - waitingSince >= deadNanos) {
      done = true;
      deadPeer.unresponsive(TimeUnit.NANOSECONDS.toMillis(now - waitingSince));
      return;
    }
    if (now - lastPing >= intervalNanos) {
      lastPing = now;
      ctx.writeAndFlush(Frames.Ping.INSTANCE)
          .addListener(ChannelFutureListener.FIRE_EXCEPTION_ON_FAILURE);
    }
    reschedule();
  }

  private void reschedule() {
    if (done) {
      return;
    }
    long now = now();
    long next = lastPing + intervalNanos - now;
    if (waitingSince != NOT_WAITING) {
      next = Math.min(next, waitingSince + deadNanos - now);
    }
    if (timer != null) {
      if (timer.getDelay(TimeUnit.NANOSECONDS) <= next) {
        return;
      }
      timer.cancel(false);
    }
    schedule(Math.max(next, 0));
  }

  private void schedule(long delayNanos) {
    timer = ctx.executor().schedule(this::tick, delayNanos, TimeUnit.NANOSECONDS);
  }

  private void stop() {
    done = true;
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  private long now() {
    return ctx.executor().ticker().nanoTime();
  }
}
