package io.hoop.broker.ops;

import static java.util.Objects.requireNonNull;

import io.hoop.broker.http.ApiResponse;
import io.hoop.broker.http.Router;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The unauthenticated operations endpoints: {@code GET /healthz} (the process answers), {@code GET
 * /readyz} (200 when every readiness check passes, else 503 naming the failed ones) and {@code GET
 * /metrics} (Prometheus text). None of them says more than check names and states, and the metrics
 * carry no principal, grant, session or secret.
 */
public final class OpsRoutes {
  /** The Prometheus text exposition format's content type. */
  static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  /** How long one scrape is served again: a flood of requests costs one scrape a second. */
  static final Duration SCRAPE_MAX_AGE = Duration.ofSeconds(1);

  private final Readiness readiness;
  private final BrokerMetrics metrics;
  private final long scrapeMaxAgeNanos;
  private volatile Scrape last;

  private record Scrape(long at, byte[] body) {}

  public OpsRoutes(Readiness readiness, BrokerMetrics metrics) {
    this(readiness, metrics, SCRAPE_MAX_AGE);
  }

  OpsRoutes(Readiness readiness, BrokerMetrics metrics, Duration scrapeMaxAge) {
    this.readiness = requireNonNull(readiness, "readiness");
    this.metrics = requireNonNull(metrics, "metrics");
    this.scrapeMaxAgeNanos = scrapeMaxAge.toNanos();
  }

  /** Adds {@code /readyz} and {@code /metrics} ({@code /healthz} is the API's own route). */
  public Router register(Router router) {
    router.add("GET /readyz", req -> readyz());
    router.add("GET /metrics", req -> metrics());
    return router;
  }

  /** Adds all three, for the diagnostics listener that serves nothing else. */
  public Router registerAll(Router router) {
    router.add("GET /healthz", req -> healthz());
    return register(router);
  }

  static ApiResponse healthz() {
    return ApiResponse.json(200, Map.of("status", "ok")).withHeader("Cache-Control", "no-store");
  }

  ApiResponse readyz() {
    Readiness.Status s = readiness.status();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", s.ready() ? "ready" : "not_ready");
    body.put("checks", s.checks());
    return ApiResponse.json(s.ready() ? 200 : 503, body).withHeader("Cache-Control", "no-store");
  }

  ApiResponse metrics() {
    long now = System.nanoTime();
    Scrape s = last;
    if (s == null || now - s.at() >= scrapeMaxAgeNanos) {
      // Two requests racing here both scrape; either result is current.
      s = new Scrape(now, metrics.scrape().getBytes(StandardCharsets.UTF_8));
      last = s;
    }
    return new ApiResponse(200, PROMETHEUS_TEXT, s.body(), Map.of())
        .withHeader("Cache-Control", "no-store");
  }
}
