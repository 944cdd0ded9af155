package io.hoop.broker.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.hoop.api.GrantStatus;
import io.hoop.api.Json;
import io.hoop.broker.config.NotificationsSection;
import io.hoop.broker.config.NotificationsSection.Event;
import io.hoop.broker.config.NotificationsSection.Format;
import io.hoop.broker.config.NotificationsSection.Webhook;
import io.hoop.broker.store.GrantStore;
import io.hoop.broker.store.Store;
import io.hoop.broker.store.StoredGrant;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NotifierTest {
  @TempDir Path dir;
  Store store;
  GrantStore grants;
  HttpServer receiver;
  final List<byte[]> bodies = new CopyOnWriteArrayList<>();
  final CountDownLatch release = new CountDownLatch(1);
  volatile boolean hold;

  @BeforeEach
  void start() throws Exception {
    store = Store.openEmbedded(dir);
    grants = new GrantStore(store);
    receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext(
        "/hook",
        ex -> {
          bodies.add(ex.getRequestBody().readAllBytes());
          if (hold) {
            try {
              release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          ex.sendResponseHeaders(204, -1);
          ex.close();
        });
    receiver.start();
  }

  @AfterEach
  void stop() {
    release.countDown();
    receiver.stop(0);
    store.close();
  }

  private NotificationsSection config() {
    URI url = URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook");
    return new NotificationsSection(
        List.of(new Webhook("ops", url, Format.JSON, EnumSet.allOf(Event.class), Optional.empty())),
        Duration.ofMinutes(10),
        1,
        Duration.ofSeconds(1));
  }

  private StoredGrant pending(String id) {
    Instant now = Instant.now();
    StoredGrant g =
        new StoredGrant(
            id,
            "alice",
            "db",
            "tcp",
            null,
            "OPS-1",
            "why",
            GrantStatus.PENDING,
            "review",
            Duration.ofHours(1),
            now,
            null,
            null,
            null,
            null,
            List.of("dba"),
            1,
            now.plus(Duration.ofHours(1)));
    grants.insert(g);
    return g;
  }

  @Test
  void anEventBecomesAJsonDeliveryOfTheStoredGrant() throws Exception {
    pending("g-n1");
    NotificationsSection cfg = config();
    try (Notifier n = new Notifier(() -> cfg, grants, new DeliveryLog(store), Clock.systemUTC())) {
      n.grant(Event.PENDING, "g-n1");
      await().atMost(Duration.ofSeconds(10)).until(() -> bodies.size() == 1);
    }
    JsonNode body = Json.mapper().readTree(bodies.get(0));
    assertThat(body.path("event").asText()).isEqualTo("pending");
    assertThat(body.path("grant").path("id").asText()).isEqualTo("g-n1");
    assertThat(body.path("grant").path("reason").asText()).isEqualTo("why");
    assertThat(body.path("grant").path("status").asText()).isEqualTo("PENDING");
  }

  @Test
  void withoutSubscribersNothingIsQueued() throws Exception {
    pending("g-n2");
    try (Notifier n =
        new Notifier(
            () -> NotificationsSection.NONE, grants, new DeliveryLog(store), Clock.systemUTC())) {
      n.grant(Event.PENDING, "g-n2");
      Thread.sleep(300);
    }
    assertThat(bodies).isEmpty();
  }

  @Test
  void aStuckReceiverNeverSlowsTheCallerAndTheQueuesStayBounded() {
    pending("g-n3");
    hold = true;
    NotificationsSection cfg = config();
    try (Notifier n =
        new Notifier(
            () -> cfg,
            grants,
            new DeliveryLog(store),
            Clock.systemUTC(),
            4,
            Duration.ofSeconds(5),
            null)) {
      long start = System.nanoTime();
      for (int i = 0; i < 20_000; i++) {
        n.grant(Event.PENDING, "g-n3");
      }
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
      await().atMost(Duration.ofSeconds(10)).until(() -> n.dropped() > 10_000);
      release.countDown();
    }
  }
}
