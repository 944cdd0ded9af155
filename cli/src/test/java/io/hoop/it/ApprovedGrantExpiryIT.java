package io.hoop.it;

import static io.hoop.it.BrokerJson.get;
import static io.hoop.it.BrokerJson.post;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hoop.testkit.BrokerFixture;
import io.hoop.tunnel.client.TunnelClient;
import io.hoop.tunnel.protocol.CloseNotice;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A grant approved at 10:00 for 30 minutes closes a tunnel opened at 10:29 at 10:30, not later: the
 * broker's clock is moved forward between the request (09:50), the approval (10:00) and the tunnel
 * (10:29:58), and runs at real speed in between, so the tunnel's deadline timer is a real 2-second
 * delay computed from that clock. Expiry counted from the request (10:20) would refuse the tunnel;
 * counted from the tunnel's opening (10:59:58) would keep it open.
 */
class ApprovedGrantExpiryIT {
  /** Real time shifted by an offset that the test moves forward. */
  static final class MovableClock extends Clock {
    private final AtomicReference<Duration> offset = new AtomicReference<>(Duration.ZERO);

    void set(Instant to) {
      Duration next = Duration.between(Instant.now(), to);
      if (next.compareTo(offset.get()) < 0) {
        throw new IllegalArgumentException("the broker's clock only moves forward, not to " + to);
      }
      offset.set(next);
    }

    @Override
    public Instant instant() {
      return Instant.now().plus(offset.get());
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException("UTC only");
    }
  }

  static final MovableClock CLOCK = new MovableClock();
  // "10:00": a full hour at least 50 minutes ahead, so the clock only ever moves forward.
  static final Instant TEN = Instant.now().truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(2));
  static EchoServer echo;
  static BrokerFixture broker;

  @BeforeAll
  static void start() throws Exception {
    echo = new EchoServer();
    broker =
        BrokerFixture.start(
            """
            # The clock jumps hours ahead: sessions must outlive it (this test is about grants).
            sessionTtl: 8h
            devIdp:
              pollInterval: 1s
              users:
                - username: alice
                  groups: [engineering]
                - username: bob
                  groups: [dba]
            targets:
              - name: echo
                type: tcp
                address: 127.0.0.1:%d
                reviewers: [dba]
                onNoEntitlement: review
                pendingTimeout: 1h
            """
                .formatted(echo.port()),
            CLOCK);
  }

  @AfterAll
  static void stop() throws Exception {
    if (broker != null) {
      broker.close();
    }
    echo.close();
  }

  @Test
  void aTunnelOpenedAt1029ClosesAt1030WhenTheGrantWasApprovedAt1000For30Minutes() throws Exception {
    // Log in first: the dev IdP's ID tokens are checked against real time.
    String alice = broker.login("alice");
    String bob = broker.login("bob");
    CLOCK.set(TEN.minus(Duration.ofMinutes(10)));
    JsonNode requested =
        post(
            broker,
            alice,
            "/v1/grants",
            Map.of("target", "echo", "task", "OPS-1", "durationSeconds", 1800));
    assertThat(requested.path("status").asText()).as(requested.toString()).isEqualTo("PENDING");
    String id = requested.path("id").asText();

    CLOCK.set(TEN);
    JsonNode approved = post(broker, bob, "/v1/grants/" + id + "/approve", Map.of());
    assertThat(approved.path("status").asText()).as(approved.toString()).isEqualTo("APPROVED");
    Instant approvedAt = Instant.parse(approved.path("approvedAt").asText());
    Instant expiresAt = Instant.parse(approved.path("expiresAt").asText());
    assertThat(Duration.between(TEN, approvedAt)).isBetween(Duration.ZERO, Duration.ofSeconds(2));
    assertThat(expiresAt).isEqualTo(approvedAt.plus(Duration.ofMinutes(30)));
    String token = get(broker, alice, "/v1/grants/" + id).path("token").asText();
    assertThat(token).isNotEmpty();

    CLOCK.set(expiresAt.minus(Duration.ofSeconds(2)));
    List<CloseNotice> notices = new CopyOnWriteArrayList<>();
    try (TunnelClient client = Tunnels.open(broker, token, alice, notices)) {
      Socket s = Tunnels.connectAndPing(client);
      Instant opened = CLOCK.instant();
      assertThat(opened).isBefore(expiresAt);
      Instant closed = awaitEof(s);
      assertThat(closed).isAfterOrEqualTo(expiresAt);
      assertThat(Duration.between(expiresAt, closed)).isLessThanOrEqualTo(Duration.ofSeconds(1));
      assertThat(notices).extracting(CloseNotice::code).containsExactly("grant_expired");
    }
  }

  /** The broker's time when the tunnel's data connection ended. */
  static Instant awaitEof(Socket s) throws Exception {
    Tunnels.drainUntilClosed(s);
    return CLOCK.instant();
  }
}
