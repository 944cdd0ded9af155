package io.hoop.tunnel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hoop.tunnel.client.TunnelClient;
import io.hoop.tunnel.protocol.HandshakeReply;
import io.hoop.tunnel.testing.RecordingEvents;
import io.hoop.tunnel.testing.RecordingListener;
import io.hoop.tunnel.testing.Sockets;
import io.hoop.tunnel.testing.TunnelHarness;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tunnel is on record before the client hears it may start: a broker killed right after its reply
 * must not leave an acknowledged session without its audit record.
 */
class OpenRecordIT {
  @TempDir Path dir;

  @Test
  void theReplyWaitsUntilTheOpenEventIsRecorded() throws Exception {
    try (TunnelHarness harness = new TunnelHarness(dir)) {
      CountDownLatch gate = new CountDownLatch(1);
      harness.events.openGate = gate;
      RecordingListener listener = new RecordingListener();
      TunnelClient client = harness.client("good", listener);
      try (Socket socket = Sockets.connect(client.localAddress())) {
        socket.setSoTimeout(10_000);
        // The broker authorized and dialed; its open record is stuck, so no reply yet.
        assertThat(listener.opened.poll(1500, TimeUnit.MILLISECONDS)).isNull();
        assertThat(harness.events.ofType("opened")).isEmpty();
        gate.countDown();
        HandshakeReply reply = listener.opened.poll(10, TimeUnit.SECONDS);
        assertThat(reply).isNotNull();
        assertThat(harness.events.ofType("opened"))
            .extracting(RecordingEvents.Event::sessionId)
            .containsExactly(reply.sessionId());
        socket.getOutputStream().write("ping".getBytes());
        InputStream in = socket.getInputStream();
        assertThat(in.readNBytes(4)).isEqualTo("ping".getBytes());
      }
    }
  }

  @Test
  void aClientThatLeavesWhileItsOpenIsRecordedIsRecordedClosedToo() throws Exception {
    try (TunnelHarness harness = new TunnelHarness(dir)) {
      CountDownLatch gate = new CountDownLatch(1);
      harness.events.openGate = gate;
      RecordingListener listener = new RecordingListener();
      TunnelClient client = harness.client("good", listener);
      Socket socket = Sockets.connect(client.localAddress());
      // Authorized and dialed by now (the test above shows the wait): its open record is stuck.
      assertThat(listener.opened.poll(1500, TimeUnit.MILLISECONDS)).isNull();
      socket.close();
      // The broker reads nothing from the client while it waits; it finds the client gone
      // either now or once it starts relaying.
      Thread.sleep(1000);
      gate.countDown();
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () ->
                  assertThat(harness.events.events)
                      .extracting(RecordingEvents.Event::type)
                      .containsExactly("opened", "closed"));
      assertThat(harness.tunnels.activeTunnels()).isZero();
    }
  }
}
