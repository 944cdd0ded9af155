package io.hoop.engine.ssh.bridge;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.function.Consumer;
import org.apache.sshd.common.io.IoOutputStream;
import org.apache.sshd.common.io.IoWriteFuture;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.apache.sshd.server.channel.ChannelDataReceiver;
import org.apache.sshd.server.channel.ChannelSession;

/**
 * The user's channel data toward the target, taken from the user's channel as it is decoded: each
 * {@code SSH_MSG_CHANNEL_DATA} payload is copied once and queued for the target channel's stream,
 * instead of being copied into the channel's async input stream and again into a {@link Pump}'s
 * buffer. The user's window reopens only by what the target's stream has taken, so what waits here
 * is bounded by the window the bridge advertises (as with the pump, which reopened it by what it
 * read). Data that arrives before the target channel is open waits in the queue. The window is
 * reopened in steps of a quarter of it (at most 256 KiB) rather than after every 32 KiB packet
 * (each reopening is a packet to the user's client); what is held back is at most a quarter of the
 * window, so the client never waits for it.
 *
 * <p>Thread safety: {@link #data} runs on the user session's I/O thread, completions on the target
 * session's; the queue and state are guarded by this object, writes start outside the lock.
 */
final class Uplink implements ChannelDataReceiver {

  private static final long RELEASE_STEP = 256 * 1024;

  private final ArrayDeque<Buffer> queue = new ArrayDeque<>();
  private long unreleased;
  private ChannelSession user;
  private IoOutputStream target;
  private Consumer<Buffer> tap;
  private Consumer<Throwable> onEnd;
  private boolean writing;
  private boolean eof;
  private boolean ended;
  private volatile long bytes;

  @Override
  public int data(ChannelSession channel, byte[] buf, int start, int len) {
    synchronized (this) {
      if (ended) {
        // the target side is gone: keep the user's window open, the channel is closing
        return len;
      }
      user = channel;
      queue.add(new ByteArrayBuffer(Arrays.copyOfRange(buf, start, start + len)));
    }
    writeNext();
    return 0;
  }

  /** The user's EOF (or the channel's close): the target gets its EOF once the queue is written. */
  @Override
  public void close() {
    synchronized (this) {
      if (eof) {
        return;
      }
      eof = true;
    }
    writeNext();
  }

  /**
   * Starts writing to the target channel's stream.
   *
   * @param tap sees each chunk before it is written (recordings, sftp observation), null for none
   * @param onEnd called once: with null after the user's EOF was passed on, with the failure when
   *     the target's stream refused a write
   */
  void attach(IoOutputStream target, Consumer<Buffer> tap, Consumer<Throwable> onEnd) {
    synchronized (this) {
      this.target = target;
      this.tap = tap;
      this.onEnd = onEnd;
    }
    writeNext();
  }

  /** Bytes written to the target so far. */
  long bytes() {
    return bytes;
  }

  private void writeNext() {
    Buffer chunk;
    IoOutputStream out;
    Consumer<Buffer> t;
    synchronized (this) {
      if (target == null || writing || ended) {
        return;
      }
      chunk = queue.poll();
      if (chunk == null) {
        if (eof) {
          ended = true;
          onEnd.accept(null);
        }
        return;
      }
      writing = true;
      out = target;
      t = tap;
    }
    int n = chunk.available();
    if (t != null) {
      t.accept(chunk);
    }
    IoWriteFuture written;
    try {
      written = out.writeBuffer(chunk);
    } catch (IOException | RuntimeException e) {
      failed(e);
      return;
    }
    written.addListener(f -> onWritten(f, n));
  }

  private void onWritten(IoWriteFuture future, int n) {
    if (!future.isWritten()) {
      failed(future.getException());
      return;
    }
    ChannelSession channel;
    long release = 0;
    synchronized (this) {
      writing = false;
      bytes += n;
      channel = user;
      unreleased += n;
      long step = Math.min(RELEASE_STEP, channel.getLocalWindow().getMaxSize() / 4);
      if (unreleased >= step) {
        release = unreleased;
        unreleased = 0;
      }
    }
    if (release > 0) {
      try {
        channel.getLocalWindow().release(release);
      } catch (IOException | RuntimeException e) {
        failed(e);
        return;
      }
    }
    writeNext();
  }

  private void failed(Throwable failure) {
    Consumer<Throwable> end;
    synchronized (this) {
      if (ended) {
        return;
      }
      ended = true;
      queue.clear();
      end = onEnd;
    }
    end.accept(failure);
  }
}
