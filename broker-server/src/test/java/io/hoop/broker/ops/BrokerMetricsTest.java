package io.hoop.broker.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BrokerMetricsTest {
  private final BrokerMetrics metrics = BrokerMetrics.create();

  @AfterEach
  void close() {
    metrics.close();
  }

  @Test
  void everyTypedMethodLandsUnderItsPrometheusName() {
    metrics.grantDecided("db", "approved", 3_000_000);
    metrics.tunnelOpened("db", "postgres", 7_000_000);
    metrics.tunnelClosed("db", "postgres", 120, 4500, "client_closed");
    metrics.tunnelOpened("db", "postgres", 1_000_000);
    metrics.tunnelRefused("bad_grant_token");
    metrics.engineStep("db", "postgres", 4);
    metrics.engineRefused("db", "postgres", "statement");
    metrics.webhookAttempt("chat", true);
    metrics.webhookAttempt("chat", false);
    metrics.grantReviewed("db", "approved", java.time.Duration.ofSeconds(90));
    metrics.grantReviewed("db", "revoked", java.time.Duration.ofHours(2));
    String text = metrics.scrape();
    assertThat(text)
        .contains("hoop_grants_total{outcome=\"approved\",target=\"db\"} 1.0")
        .contains(
            "hoop_grant_decision_seconds_bucket{outcome=\"approved\",target=\"db\",le=\"0.005\"} 1")
        .contains("hoop_tunnels_live{engine=\"postgres\",target=\"db\"} 1.0")
        .contains("hoop_tunnel_handshake_seconds_count{engine=\"postgres\",target=\"db\"} 2")
        .contains(
            "hoop_tunnel_relayed_bytes_total{direction=\"up\",engine=\"postgres\",target=\"db\"} 120.0")
        .contains(
            "hoop_tunnel_relayed_bytes_total{direction=\"down\",engine=\"postgres\",target=\"db\"} 4500.0")
        .contains(
            "hoop_tunnels_closed_total{engine=\"postgres\",reason=\"client_closed\",target=\"db\"} 1.0")
        .contains("hoop_tunnels_refused_total{code=\"bad_grant_token\"} 1.0")
        .contains("hoop_engine_steps_total{engine=\"postgres\",target=\"db\"} 1.0")
        .contains("hoop_masked_fields_total{engine=\"postgres\",target=\"db\"} 4.0")
        .contains(
            "hoop_engine_refusals_total{engine=\"postgres\",kind=\"statement\",target=\"db\"} 1.0")
        .contains("hoop_webhook_deliveries_total{outcome=\"delivered\",webhook=\"chat\"} 1.0")
        .contains("hoop_webhook_deliveries_total{outcome=\"failed\",webhook=\"chat\"} 1.0")
        .contains("hoop_grant_reviews_total{outcome=\"approved\",target=\"db\"} 1.0")
        .contains("hoop_grant_reviews_total{outcome=\"revoked\",target=\"db\"} 1.0")
        .contains("hoop_grant_review_wait_seconds_count{outcome=\"approved\",target=\"db\"} 1")
        .contains("hoop_grant_review_wait_seconds_sum{outcome=\"approved\",target=\"db\"} 90.0")
        .doesNotContain("hoop_grant_review_wait_seconds_count{outcome=\"revoked\"")
        .contains("hoop_store_errors_total ")
        .contains("jvm_memory_used_bytes");
  }

  @Test
  void countedTotalsSurviveAGarbageCollection() {
    java.util.concurrent.atomic.AtomicLong n = new java.util.concurrent.atomic.AtomicLong(41);
    metrics.counting("hoop.test.counted", "a test total", () -> n.get() + 1);
    System.gc();
    System.gc();
    assertThat(metrics.scrape()).contains("hoop_test_counted_total 42.0");
  }

  @Test
  void knownTargetsAndWebhooksShowAsZeroBeforeAnyTraffic() {
    metrics.knownTargets(List.of("db", "web"));
    metrics.knownWebhooks(List.of("chat"));
    assertThat(metrics.scrape())
        .contains("hoop_grants_total{outcome=\"denied\",target=\"web\"} 0.0")
        .contains("hoop_grants_total{outcome=\"pending\",target=\"db\"} 0.0")
        .contains("hoop_webhook_deliveries_total{outcome=\"failed\",webhook=\"chat\"} 0.0");
  }

  @Test
  void aLabelTakesABoundedNumberOfValuesThenReadsOther() {
    // Whatever a caller feeds in (a flood of distinct refusal codes, say), the scrape stays
    // bounded.
    for (int i = 0; i < BrokerMetrics.MAX_VALUES_PER_LABEL + 500; i++) {
      metrics.tunnelRefused("code-" + i);
    }
    String text = metrics.scrape();
    assertThat(count(text, "hoop_tunnels_refused_total\\{"))
        .isEqualTo(BrokerMetrics.MAX_VALUES_PER_LABEL + 1);
    assertThat(text).contains("hoop_tunnels_refused_total{code=\"other\"} 500.0");
  }

  @Test
  void hostileLabelValuesAreCutAndCannotBreakTheExposition() {
    metrics.tunnelRefused("x\"} 1\nhoop_fake_total 9\n" + "y".repeat(500));
    String text = metrics.scrape();
    // Quotes are escaped and line breaks replaced: the value stays inside its label.
    assertThat(text.lines()).noneMatch(l -> l.startsWith("hoop_fake_total"));
    assertThat(text).doesNotContain("y".repeat(65));
    assertThat(metrics.label("t", null)).isEqualTo("none");
    assertThat(metrics.label("t", "")).isEqualTo("none");
  }

  private static int count(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }
}
