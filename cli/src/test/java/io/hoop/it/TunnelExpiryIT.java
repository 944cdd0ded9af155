package io.hoop.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoop.api.Grant;
import io.hoop.api.Json;
import io.hoop.testkit.BrokerFixture;
import io.hoop.tunnel.client.TunnelClient;
import io.hoop.tunnel.client.TunnelClientConfig;
import io.hoop.tunnel.protocol.CloseNotice;
import io.hoop.tunnel.tls.Tls;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every tunnel of a grant closes within a second of the grant's expiry, whenever it opened. */
class TunnelExpiryIT {
  static EchoServer echo;
  static BrokerFixture broker;
  static String alice;

  @BeforeAll
  static void start() throws Exception {
    echo = new EchoServer();
    broker =
        BrokerFixture.start(
            """
            targets:
              - name: echo
                type: tcp
                address: 127.0.0.1:%d
            entitlements:
              - group: engineering
                targets: [echo]
            """
                .formatted(echo.port()));
    alice = broker.login("alice");
  }

  @AfterAll
  static void stop() throws Exception {
    broker.close();
    echo.close();
  }

  @Test
  void tunnelsOpenedAtTheStartAndJustBeforeExpiryBothCloseAtExpiry() throws Exception {
    Grant grant =
        Json.mapper()
            .readValue(
                broker.send(
                    "POST",
                    "/v1/grants",
                    "{\"target\":\"echo\",\"task\":\"EXP-1\",\"durationSeconds\":4}",
                    "application/json",
                    alice),
                Grant.class);
    List<CloseNotice> notices = new CopyOnWriteArrayList<>();
    TunnelClient.Listener listener =
        new TunnelClient.Listener() {
          @Override
          public void closed(CloseNotice notice, long up, long down) {
            if (notice != null) {
              notices.add(notice);
            }
          }
        };
    try (TunnelClient client =
        TunnelClient.start(
            TunnelClientConfig.of(
                "127.0.0.1",
                broker.port(),
                Tls.clientPinned(broker.fingerprint()),
                0,
                () -> broker.handshake(grant.token(), alice),
                listener))) {
      Socket early = connectAndPing(client);
      long untilOneSecondBefore =
          Duration.between(Instant.now(), grant.expiresAt().minusSeconds(1)).toMillis();
      Thread.sleep(Math.max(0, untilOneSecondBefore));
      Socket late = connectAndPing(client);

      Instant earlyClosed = awaitEof(early);
      Instant lateClosed = awaitEof(late);
      for (Instant closed : List.of(earlyClosed, lateClosed)) {
        assertThat(Duration.between(grant.expiresAt(), closed))
            .as("closed at %s for expiry %s", closed, grant.expiresAt())
            .isLessThanOrEqualTo(Duration.ofSeconds(1))
            .isGreaterThanOrEqualTo(Duration.ofMillis(-50));
      }
      assertThat(notices)
          .extracting(CloseNotice::code)
          .containsExactly("grant_expired", "grant_expired");
      assertThat(notices.get(0).message()).isEqualTo("grant " + grant.id() + " for echo expired");
    }
    // Close events are recorded off the event loop, right after the sockets close.
    var events =
        org.awaitility.Awaitility.await()
            .atMost(Duration.ofSeconds(5))
            .until(
                () -> broker.server().audit().list(0, 1000, "alice", "EXP-1"),
                list -> list.stream().filter(e -> e.type().equals("tunnel.close")).count() == 2);
    assertThat(events)
        .filteredOn(e -> e.type().equals("tunnel.close"))
        .hasSize(2)
        .allSatisfy(e -> assertThat(e.details()).containsEntry("reason", "grant_expired"));
  }

  private static Socket connectAndPing(TunnelClient client) throws Exception {
    InetSocketAddress local = client.localAddress();
    Socket s = new Socket(local.getAddress(), local.getPort());
    s.setSoTimeout(10_000);
    s.getOutputStream().write("ping".getBytes(StandardCharsets.UTF_8));
    byte[] b = s.getInputStream().readNBytes(4);
    assertThat(new String(b, StandardCharsets.UTF_8)).isEqualTo("ping");
    return s;
  }

  private static Instant awaitEof(Socket s) throws Exception {
    try (s;
        InputStream in = s.getInputStream()) {
      while (in.read() >= 0) {
        // drain until the tunnel closes
      }
    } catch (java.net.SocketException reset) {
      // a reset also ends the tunnel
    }
    return Instant.now();
  }
}
