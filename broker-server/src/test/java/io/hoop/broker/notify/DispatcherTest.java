package io.hoop.broker.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.hoop.broker.config.NotificationsSection.Event;
import io.hoop.broker.config.NotificationsSection.Format;
import io.hoop.broker.config.NotificationsSection.Webhook;
import io.hoop.broker.store.Store;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dispatcher against a real local HTTP receiver and a real H2 store; only time is faked. */
class DispatcherTest {
  @TempDir Path dir;
  Store store;
  DeliveryLog log;
  HttpServer receiver;
  final List<String> signatures = new CopyOnWriteArrayList<>();
  final List<String> deliveryIds = new CopyOnWriteArrayList<>();
  final List<String> bodies = new CopyOnWriteArrayList<>();
  final AtomicInteger calls = new AtomicInteger();
  volatile int[] answers = {204};
  volatile long delayMillis;
  final List<Duration> delays = new CopyOnWriteArrayList<>();
  Dispatcher dispatcher;

  @BeforeEach
  void start() throws Exception {
    store = Store.openEmbedded(dir);
    log = new DeliveryLog(store);
    receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext(
        "/hook",
        ex -> {
          int n = calls.getAndIncrement();
          signatures.add(String.valueOf(ex.getRequestHeaders().getFirst("X-Hoop-Signature")));
          deliveryIds.add(ex.getRequestHeaders().getFirst("X-Hoop-Delivery"));
          bodies.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          if (delayMillis > 0) {
            try {
              Thread.sleep(delayMillis);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          int[] a = answers;
          ex.sendResponseHeaders(a[Math.min(n, a.length - 1)], -1);
          ex.close();
        });
    receiver.start();
  }

  @AfterEach
  void stop() {
    if (dispatcher != null) {
      dispatcher.close();
    }
    receiver.stop(0);
    store.close();
  }

  private Dispatcher dispatcher(Duration timeout) {
    Clock clock = Clock.fixed(Instant.parse("2026-03-01T10:00:00Z"), ZoneOffset.UTC);
    // Retries run at once; the schedule they asked for is recorded.
    Dispatcher.RetryScheduler recording =
        (task, delay) -> {
          delays.add(delay);
          task.run();
        };
    dispatcher =
        new Dispatcher(
            new DeliveryQueue(100), new WebhookSender(timeout), log, recording, 100, 1, clock);
    return dispatcher;
  }

  private Delivery delivery(URI url, Optional<String> secret) {
    return new Delivery(
        "d-1",
        new Webhook("ops", url, Format.JSON, Set.of(Event.PENDING), secret),
        Event.PENDING,
        "g-1",
        "{\"event\":\"pending\"}".getBytes(StandardCharsets.UTF_8),
        new RetryPolicy(5, Duration.ofSeconds(1)),
        1);
  }

  private URI hook() {
    return URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook");
  }

  @Test
  void aFailingReceiverGetsFiveSignedAttemptsWithExponentialBackoffAllRecorded() {
    answers = new int[] {503};
    dispatcher(Duration.ofSeconds(5)).submit(delivery(hook(), Optional.of("k")));
    await().atMost(Duration.ofSeconds(10)).until(() -> log.list("g-1", 100).size() == 5);
    assertThat(delays)
        .containsExactly(
            Duration.ofSeconds(1),
            Duration.ofSeconds(2),
            Duration.ofSeconds(4),
            Duration.ofSeconds(8));
    List<DeliveryRecord> rows = log.list("g-1", 100);
    assertThat(rows).extracting(DeliveryRecord::attempt).containsExactly(5, 4, 3, 2, 1);
    assertThat(rows).allSatisfy(r -> assertThat(r.status()).isEqualTo(503));
    assertThat(rows).noneMatch(DeliveryRecord::delivered);
    assertThat(rows).extracting(DeliveryRecord::webhook).containsOnly("ops");
    assertThat(rows).extracting(DeliveryRecord::event).containsOnly("pending");
    assertThat(calls.get()).isEqualTo(5);
    assertThat(deliveryIds).containsOnly("d-1");
    String expected =
        WebhookPayloads.signature("k", "{\"event\":\"pending\"}".getBytes(StandardCharsets.UTF_8));
    assertThat(signatures).hasSize(5).containsOnly(expected);
    assertThat(bodies).containsOnly("{\"event\":\"pending\"}");
  }

  @Test
  void aRetryThatSucceedsStopsTheSchedule() {
    answers = new int[] {500, 204};
    dispatcher(Duration.ofSeconds(5)).submit(delivery(hook(), Optional.empty()));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> log.list("g-1", 100).stream().anyMatch(DeliveryRecord::delivered));
    assertThat(delays).containsExactly(Duration.ofSeconds(1));
    assertThat(log.list("g-1", 100)).extracting(DeliveryRecord::status).containsExactly(204, 500);
    assertThat(signatures).containsOnly("null");
  }

  @Test
  void aClientErrorIsNotRetried() throws Exception {
    answers = new int[] {404};
    dispatcher(Duration.ofSeconds(5)).submit(delivery(hook(), Optional.empty()));
    await().atMost(Duration.ofSeconds(10)).until(() -> log.list("g-1", 100).size() == 1);
    Thread.sleep(300);
    assertThat(log.list("g-1", 100)).hasSize(1);
    assertThat(delays).isEmpty();
  }

  @Test
  void aClosedPortIsRecordedAsAnErrorAndRetried() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    dispatcher(Duration.ofSeconds(5))
        .submit(delivery(URI.create("http://127.0.0.1:" + closed + "/hook"), Optional.empty()));
    await().atMost(Duration.ofSeconds(10)).until(() -> log.list("g-1", 100).size() == 5);
    assertThat(log.list("g-1", 100))
        .allSatisfy(
            r -> {
              assertThat(r.status()).isNull();
              assertThat(r.error()).contains("ConnectException").doesNotContain("127.0.0.1:");
            });
  }

  @Test
  void aSlowReceiverTimesOut() {
    delayMillis = 2000;
    long start = System.nanoTime();
    Dispatcher d = dispatcher(Duration.ofMillis(300));
    d.submit(
        new Delivery(
            "d-2",
            new Webhook("slow", hook(), Format.JSON, Set.of(Event.PENDING), Optional.empty()),
            Event.PENDING,
            "g-2",
            new byte[] {'{', '}'},
            new RetryPolicy(1, Duration.ofSeconds(1)),
            1));
    await().atMost(Duration.ofSeconds(10)).until(() -> log.list("g-2", 10).size() == 1);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1900));
    assertThat(log.list("g-2", 10).get(0).error()).contains("Timeout");
  }
}
