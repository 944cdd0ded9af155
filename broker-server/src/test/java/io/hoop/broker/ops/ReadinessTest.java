package io.hoop.broker.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ReadinessTest {
  private static Readiness readiness(Map<String, Readiness.Check> checks, Duration timeout) {
    return new Readiness(checks, timeout, Duration.ofMillis(200), null);
  }

  @Test
  void readyWhenEveryCheckPassesInOrder() {
    Map<String, Readiness.Check> checks = new LinkedHashMap<>();
    checks.put("store", () -> {});
    checks.put("keys", () -> {});
    try (Readiness r = readiness(checks, Duration.ofSeconds(2))) {
      Readiness.Status s = r.status();
      assertThat(s.ready()).isTrue();
      assertThat(s.checks()).containsExactly(Map.entry("store", "ok"), Map.entry("keys", "ok"));
    }
  }

  @Test
  void aFailedCheckIsNamedButItsErrorTextIsNotShown() {
    Map<String, Readiness.Check> checks = new LinkedHashMap<>();
    checks.put(
        "store",
        () -> {
          throw new java.sql.SQLException(
              "FATAL: password authentication failed for user \"hoop\" at db.internal:5432");
        });
    checks.put("keys", () -> {});
    try (Readiness r = readiness(checks, Duration.ofSeconds(2))) {
      Readiness.Status s = r.status();
      assertThat(s.ready()).isFalse();
      assertThat(s.checks()).containsExactly(Map.entry("store", "failed"), Map.entry("keys", "ok"));
      assertThat(s.toString()).doesNotContain("db.internal").doesNotContain("hoop\"");
    }
  }

  @Test
  void aStuckCheckIsAnsweredAsFailedWithinTheTimeoutAndLaterProbesDoNotWaitOnIt() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    Map<String, Readiness.Check> checks = new LinkedHashMap<>();
    checks.put("keys", () -> {});
    checks.put("store", () -> release.await(30, TimeUnit.SECONDS));
    checks.put("later", () -> {});
    try (Readiness r = readiness(checks, Duration.ofMillis(300))) {
      long start = System.nanoTime();
      Readiness.Status s = r.status();
      long first = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertThat(s.ready()).isFalse();
      assertThat(s.checks())
          .containsExactly(
              Map.entry("keys", "ok"),
              Map.entry("store", "no answer within 300 ms"),
              Map.entry("later", "not checked"));
      assertThat(first).isBetween(250L, 2000L);

      start = System.nanoTime();
      assertThat(r.status().ready()).isFalse();
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start))
          .as("a probe while the check is still stuck answers at once")
          .isLessThan(100);

      release.countDown();
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> r.status().ready());
    }
  }

  @Test
  void aFloodOfProbesRunsTheChecksAtMostOncePerMaxAge() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    Map<String, Readiness.Check> checks = new LinkedHashMap<>();
    checks.put(
        "store",
        () -> {
          runs.incrementAndGet();
          Thread.sleep(50);
        });
    try (Readiness r = readiness(checks, Duration.ofSeconds(2))) {
      List<CompletableFuture<Readiness.Status>> probes = new java.util.ArrayList<>();
      for (int i = 0; i < 64; i++) {
        probes.add(CompletableFuture.supplyAsync(r::status));
      }
      for (CompletableFuture<Readiness.Status> p : probes) {
        assertThat(p.get(5, TimeUnit.SECONDS).ready()).isTrue();
      }
      assertThat(runs.get()).as("64 concurrent probes share one run").isLessThanOrEqualTo(2);
      for (int i = 0; i < 100; i++) {
        r.status();
      }
      assertThat(runs.get()).isLessThanOrEqualTo(3);
    }
  }

  @Test
  void aClosedReadinessSaysTheBrokerIsStopping() {
    Readiness r = readiness(Map.of("store", () -> {}), Duration.ofSeconds(1));
    r.close();
    Readiness.Status s = r.status();
    assertThat(s.ready()).isFalse();
    assertThat(s.checks()).containsEntry("broker", "stopping");
  }
}
