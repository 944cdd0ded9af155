package io.hoop.tunnel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hoop.tunnel.client.TunnelClient;
import io.hoop.tunnel.testing.RecordingListener;
import io.hoop.tunnel.testing.Sockets;
import io.hoop.tunnel.testing.TunnelHarness;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each opened tunnel reports how long its handshake took, from the decoded handshake to the
 * accepted reply, authorization included (the broker's handshake latency metric).
 */
class HandshakeLatencyIT {
  @TempDir Path dir;

  @Test
  void theOpenedEventCarriesTheHandshakeLatencyAuthorizationIncluded() throws Exception {
    try (TunnelHarness harness = new TunnelHarness(dir)) {
      harness.authorizer =
          (handshake, remote) -> {
            try {
              Thread.sleep(300);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            return harness.grant(handshake, "g-1", Instant.now().plusSeconds(60));
          };
      TunnelClient client = harness.client("good", new RecordingListener());
      try (Socket s = Sockets.connect(client.localAddress())) {
        s.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
        assertThat(s.getInputStream().readNBytes(4)).isEqualTo("ping".getBytes());
      }
      await().atMost(Duration.ofSeconds(5)).until(() -> !harness.events.handshakes.isEmpty());
      assertThat(harness.events.handshakes)
          .singleElement()
          .satisfies(
              d ->
                  assertThat(d)
                      .isGreaterThanOrEqualTo(Duration.ofMillis(300))
                      .isLessThan(Duration.ofSeconds(5)));
    }
  }
}
