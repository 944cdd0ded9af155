package io.hoop.tunnel.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoop.tunnel.client.TunnelClient;
import io.hoop.tunnel.testing.EchoServer;
import io.hoop.tunnel.testing.RecordingListener;
import io.hoop.tunnel.testing.Sockets;
import io.hoop.tunnel.testing.TunnelHarness;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 200 MB through client, TLS broker and echo target and back, intact and with bounded memory. The
 * reader stalls for 3 s: without backpressure the relay would hold most of what the writer pushes
 * (well over 100 MB); with it, only watermarks and pooled chunks (tens of MB at most, as the pooled
 * allocator counts whole chunks per arena).
 */
class TransferIT {
  private static final int TOTAL = 200 * 1024 * 1024;
  private static final long MEMORY_BOUND = 48L * 1024 * 1024;

  @TempDir Path dir;

  @Test
  void twoHundredMegabytesRoundTripIntactWithBoundedBuffering() throws Exception {
    try (TunnelHarness harness = new TunnelHarness(dir)) {
      RecordingListener listener = new RecordingListener();
      TunnelClient client = harness.client("good", listener);
      ByteBufAllocatorMetricProvider allocator =
          (ByteBufAllocatorMetricProvider) ByteBufAllocator.DEFAULT;
      long baseline = allocator.metric().usedDirectMemory();
      AtomicLong peak = new AtomicLong();
      AtomicBoolean sampling = new AtomicBoolean(true);
      Thread sampler =
          new Thread(
              () -> {
                while (sampling.get()) {
                  peak.accumulateAndGet(allocator.metric().usedDirectMemory(), Math::max);
                  try {
                    Thread.sleep(5);
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              });
      sampler.start();

      CRC32 sent = new CRC32();
      try (Socket socket = Sockets.connect(client.localAddress())) {
        socket.setSoTimeout(60_000);
        CompletableFuture<Void> writer =
            CompletableFuture.runAsync(
                () -> {
                  try {
                    OutputStream out = socket.getOutputStream();
                    Random random = new Random(7);
                    byte[] chunk = new byte[64 * 1024];
                    for (int written = 0; written < TOTAL; written += chunk.length) {
                      random.nextBytes(chunk);
                      sent.update(chunk);
                      out.write(chunk);
                    }
                    socket.shutdownOutput();
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                });
        // Not reading for a while: without backpressure the relay would buffer everything sent.
        Thread.sleep(3000);
        CRC32 received = new CRC32();
        long count = 0;
        byte[] buffer = new byte[64 * 1024];
        InputStream in = socket.getInputStream();
        int n;
        byte[] tail = new byte[0];
        while ((n = in.read(buffer)) >= 0) {
          count += n;
          byte[] joined = new byte[tail.length + n];
          System.arraycopy(tail, 0, joined, 0, tail.length);
          System.arraycopy(buffer, 0, joined, tail.length, n);
          // Hold back the last bytes: they may be the echo server's trailer.
          int keep = Math.min(joined.length, EchoServer.TRAILER.length);
          received.update(joined, 0, joined.length - keep);
          tail = java.util.Arrays.copyOfRange(joined, joined.length - keep, joined.length);
        }
        writer.get(30, TimeUnit.SECONDS);
        assertThat(count).isEqualTo(TOTAL + EchoServer.TRAILER.length);
        assertThat(tail).isEqualTo(EchoServer.TRAILER);
        assertThat(received.getValue()).isEqualTo(sent.getValue());
      } finally {
        sampling.set(false);
        sampler.join();
      }
      RecordingListener.Closed closed = listener.closed.poll(5, TimeUnit.SECONDS);
      assertThat(closed).isNotNull();
      assertThat(closed.bytesUp()).isEqualTo(TOTAL);
      assertThat(closed.bytesDown()).isEqualTo(TOTAL + EchoServer.TRAILER.length);
      System.err.printf(
          "peak direct memory above baseline: %d KiB%n", (peak.get() - baseline) / 1024);
      assertThat(peak.get() - baseline).isLessThan(MEMORY_BOUND);
    }
  }
}
