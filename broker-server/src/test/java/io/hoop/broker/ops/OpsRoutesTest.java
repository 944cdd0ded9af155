package io.hoop.broker.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoop.broker.http.ApiResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OpsRoutesTest {
  @Test
  void aFloodOfScrapesIsServedFromOneScrapeUntilItAges() throws Exception {
    try (BrokerMetrics metrics = BrokerMetrics.create();
        Readiness readiness =
            new Readiness(Map.of("store", () -> {}), Duration.ofSeconds(1), Duration.ZERO, null)) {
      OpsRoutes routes = new OpsRoutes(readiness, metrics, Duration.ofMillis(300));
      metrics.tunnelRefused("bad_handshake");
      ApiResponse first = routes.metrics();
      metrics.tunnelRefused("bad_handshake");
      ApiResponse again = routes.metrics();
      assertThat(again.body()).isSameAs(first.body());
      assertThat(first.contentType()).isEqualTo("text/plain; version=0.0.4; charset=utf-8");
      assertThat(first.headers()).containsEntry("Cache-Control", "no-store");
      Thread.sleep(350);
      assertThat(new String(routes.metrics().body(), StandardCharsets.UTF_8))
          .contains("hoop_tunnels_refused_total{code=\"bad_handshake\"} 2.0");
    }
  }

  @Test
  void readyzSays503AndNamesTheFailedCheck() {
    try (BrokerMetrics metrics = BrokerMetrics.create();
        Readiness readiness =
            new Readiness(
                Map.of(
                    "store",
                    () -> {
                      throw new IllegalStateException("connection refused to db.internal");
                    }),
                Duration.ofSeconds(1),
                Duration.ZERO,
                metrics)) {
      ApiResponse r = new OpsRoutes(readiness, metrics).readyz();
      assertThat(r.status()).isEqualTo(503);
      assertThat(new String(r.body(), StandardCharsets.UTF_8))
          .isEqualTo("{\"status\":\"not_ready\",\"checks\":{\"store\":\"failed\"}}");
      assertThat(metrics.scrape()).contains("hoop_readiness_failures_total{check=\"store\"} 1.0");
    }
  }
}
