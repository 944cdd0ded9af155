package io.hoop.engine.ssh.bridge;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.sshd.common.io.IoInputStream;
import org.apache.sshd.common.io.IoOutputStream;
import org.apache.sshd.common.io.IoReadFuture;
import org.apache.sshd.common.io.IoWriteFuture;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;

/**
 * Relays one direction between two async channel streams with backpressure: the next read starts
 * only after the previous write completed, and a read is what reopens the sender's SSH window. One
 * buffer per direction, reused.
 */
final class Pump {

  private static final int BUFFER_SIZE = 64 * 1024;

  private final IoInputStream in;
  private final IoOutputStream out;
  private final Consumer<Buffer> tap;
  private final Consumer<Throwable> onEnd;
  private final Buffer buffer = new ByteArrayBuffer(BUFFER_SIZE, false);
  private final AtomicLong bytes = new AtomicLong();

  /**
   * @param tap sees each chunk before it is written (for recordings), null for none
   * @param onEnd called once: with null on a clean EOF, with the failure otherwise
   */
  Pump(IoInputStream in, IoOutputStream out, Consumer<Buffer> tap, Consumer<Throwable> onEnd) {
    this.in = in;
    this.out = out;
    this.tap = tap;
    this.onEnd = onEnd;
  }

  Pump start() {
    readNext();
    return this;
  }

  long bytes() {
    return bytes.get();
  }

  private void readNext() {
    buffer.clear();
    IoReadFuture read;
    try {
      read = in.read(buffer);
    } catch (RuntimeException e) {
      onEnd.accept(e);
      return;
    }
    read.addListener(this::onRead);
  }

  private void onRead(IoReadFuture future) {
    Throwable failure = future.getException();
    if (failure != null) {
      onEnd.accept(isEof(failure) ? null : failure);
      return;
    }
    Buffer data = future.getBuffer();
    int n = future.getRead();
    if (n <= 0) {
      readNext();
      return;
    }
    bytes.addAndGet(n);
    if (tap != null) {
      tap.accept(data);
    }
    try {
      out.writeBuffer(data).addListener(this::onWritten);
    } catch (Exception e) {
      onEnd.accept(e);
    }
  }

  private void onWritten(IoWriteFuture future) {
    if (future.isWritten()) {
      readNext();
    } else {
      onEnd.accept(future.getException());
    }
  }

  static boolean isEof(Throwable failure) {
    return failure instanceof java.io.EOFException;
  }
}
