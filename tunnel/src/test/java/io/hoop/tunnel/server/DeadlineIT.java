package io.hoop.tunnel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hoop.api.ApiError;
import io.hoop.tunnel.client.TunnelClient;
import io.hoop.tunnel.testing.RecordingListener;
import io.hoop.tunnel.testing.Sockets;
import io.hoop.tunnel.testing.TunnelHarness;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tunnels end at their grant's deadline or on revoke, with a CLOSE notice the CLI can show. */
class DeadlineIT {
  @TempDir Path dir;
  TunnelHarness harness;

  @BeforeEach
  void start() throws Exception {
    harness = new TunnelHarness(dir);
  }

  @AfterEach
  void stop() throws IOException {
    harness.close();
  }

  @Test
  void tunnelsCloseAtTheDeadlineHoweverLongAgoTheyOpened() throws Exception {
    Instant deadline = Instant.now().plusMillis(1500);
    harness.authorizer = (handshake, remote) -> harness.grant(handshake, "g-1", deadline);
    RecordingListener early = new RecordingListener();
    RecordingListener late = new RecordingListener();
    TunnelClient earlyClient = harness.client("good", early);
    TunnelClient lateClient = harness.client("good", late);
    try (Socket first = Sockets.connect(earlyClient.localAddress())) {
      echo(first);
      Thread.sleep(700);
      try (Socket second = Sockets.connect(lateClient.localAddress())) {
        echo(second);
        for (RecordingListener listener : new RecordingListener[] {early, late}) {
          long waitMillis = Duration.between(Instant.now(), deadline).toMillis() + 1000;
          RecordingListener.Closed closed = listener.closed.poll(waitMillis, TimeUnit.MILLISECONDS);
          assertThat(closed).as("closed within 1 s after the deadline").isNotNull();
          assertThat(Instant.now()).isAfterOrEqualTo(deadline.minusMillis(50));
          assertThat(closed.notice().code()).isEqualTo("grant_expired");
          assertThat(closed.notice().message()).isEqualTo("grant g-1 for demo expired");
        }
        assertThat(second.getInputStream().read()).isEqualTo(-1);
      }
      assertThat(first.getInputStream().read()).isEqualTo(-1);
    }
    await()
        .atMost(Duration.ofSeconds(2))
        .untilAsserted(
            () ->
                assertThat(harness.events.ofType("closed"))
                    .hasSize(2)
                    .allSatisfy(e -> assertThat(e.code()).isEqualTo("grant_expired")));
    assertThat(harness.tunnels.activeTunnels()).isZero();
  }

  @Test
  void aDeadlineAlreadyPastIsRefused() throws Exception {
    harness.authorizer =
        (handshake, remote) -> harness.grant(handshake, "g-1", Instant.now().minusSeconds(1));
    RecordingListener listener = new RecordingListener();
    TunnelClient client = harness.client("good", listener);
    try (Socket socket = Sockets.connect(client.localAddress())) {
      assertThat(socket.getInputStream().read()).isEqualTo(-1);
    }
    ApiError error = listener.refused.poll(2, TimeUnit.SECONDS);
    assertThat(error).isNotNull();
    assertThat(error.code()).isEqualTo("grant_expired");
    assertThat(error.message()).contains("grant g-1 for demo expired");
    assertThat(harness.echo.accepted()).isZero();
  }

  @Test
  void closeGrantClosesOnlyThatGrantsTunnels() throws Exception {
    harness.authorizer =
        (handshake, remote) ->
            harness.grant(
                handshake,
                handshake.grantToken().equals("good-2") ? "g-2" : "g-1",
                Instant.now().plusSeconds(3600));
    RecordingListener revoked = new RecordingListener();
    RecordingListener kept = new RecordingListener();
    TunnelClient revokedClient = harness.client("good", revoked);
    TunnelClient keptClient = harness.client("good-2", kept);
    try (Socket a = Sockets.connect(revokedClient.localAddress());
        Socket b = Sockets.connect(keptClient.localAddress())) {
      echo(a);
      echo(b);
      assertThat(harness.tunnels.closeGrant("g-1", "grant_revoked", "grant g-1 was revoked"))
          .isEqualTo(1);
      RecordingListener.Closed closed = revoked.closed.poll(2, TimeUnit.SECONDS);
      assertThat(closed).isNotNull();
      assertThat(closed.notice().code()).isEqualTo("grant_revoked");
      assertThat(closed.notice().message()).isEqualTo("grant g-1 was revoked");
      assertThat(a.getInputStream().read()).isEqualTo(-1);

      echo(b);
      assertThat(kept.closed).isEmpty();
      assertThat(harness.tunnels.activeTunnels()).isEqualTo(1);
      assertThat(harness.tunnels.closeGrant("g-1", "grant_revoked", "again")).isZero();
    }
    await()
        .untilAsserted(
            () ->
                assertThat(harness.events.ofType("closed"))
                    .extracting(e -> e.code())
                    .contains("grant_revoked"));
  }

  private static void echo(Socket socket) throws IOException {
    socket.getOutputStream().write(42);
    assertThat(socket.getInputStream().read()).isEqualTo(42);
  }
}
