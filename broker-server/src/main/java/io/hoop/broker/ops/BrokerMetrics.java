package io.hoop.broker.ops;

import static java.util.Objects.requireNonNull;

import io.hoop.broker.store.StoreException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * The broker's metrics: owns the Prometheus registry and offers one typed method per thing the
 * broker counts, so the rest of the code never names a meter. Labels are only ever target, engine,
 * webhook and code names from the config and the code, never a principal, a grant or a session id;
 * each label keeps at most {@link #MAX_VALUES_PER_LABEL} distinct values (further ones read {@code
 * other}), so no caller can grow the scrape without bound.
 */
public final class BrokerMetrics implements AutoCloseable {
  /** Distinct values one label may take before new ones are folded into {@code other}. */
  static final int MAX_VALUES_PER_LABEL = 256;

  private static final int MAX_LABEL_CHARS = 64;

  // Explicit buckets (not Micrometer's ~70 percentile buckets): a bounded number of series per
  // target, and the ranges that matter for a decision (Jira calls included) and a handshake.
  private static final Duration[] DECISION_BUCKETS = {
    ms(1),
    ms(5),
    ms(10),
    ms(25),
    ms(50),
    ms(100),
    ms(250),
    ms(500),
    ms(1000),
    ms(2500),
    ms(5000),
    ms(10_000)
  };
  private static final Duration[] HANDSHAKE_BUCKETS = DECISION_BUCKETS;

  private final PrometheusMeterRegistry registry;
  private final JvmGcMetrics gc;
  private final ConcurrentMap<List<String>, AtomicInteger> live = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, Set<String>> labelValues = new ConcurrentHashMap<>();
  private final List<Object> held = new java.util.concurrent.CopyOnWriteArrayList<>();

  private BrokerMetrics(PrometheusMeterRegistry registry, JvmGcMetrics gc) {
    this.registry = registry;
    this.gc = gc;
  }

  /** A registry with the broker's meters and the JVM's (memory, GC, threads, CPU, descriptors). */
  public static BrokerMetrics create() {
    PrometheusMeterRegistry r = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(r);
    new JvmThreadMetrics().bindTo(r);
    new ClassLoaderMetrics().bindTo(r);
    new ProcessorMetrics().bindTo(r);
    new UptimeMetrics().bindTo(r);
    new FileDescriptorMetrics().bindTo(r);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(r);
    BrokerMetrics m = new BrokerMetrics(r, gc);
    m.counting(
        "hoop.store.errors",
        "store operations that failed in this process (each failed closed)",
        StoreException::raised);
    return m;
  }

  /** The registry, for binders that take one (e.g. the store's connection pool). */
  public MeterRegistry registry() {
    return registry;
  }

  /** The Prometheus text exposition of every meter. */
  public String scrape() {
    return registry.scrape();
  }

  /** Registers the zero-valued series of the configured targets, so dashboards show 0, not gaps. */
  public void knownTargets(List<String> targets) {
    for (String t : targets) {
      for (String outcome : List.of("approved", "pending", "denied")) {
        grants(t, outcome);
      }
    }
  }

  /** Registers the zero-valued delivery series of the configured webhooks. */
  public void knownWebhooks(List<String> webhooks) {
    for (String w : webhooks) {
      webhookCounter(w, "delivered");
      webhookCounter(w, "failed");
    }
  }

  /**
   * A grant request was decided.
   *
   * @param outcome {@code approved}, {@code pending}, {@code denied} or {@code break_glass}
   * @param nanos how long the decision took, policy and task checks included
   */
  public void grantDecided(String target, String outcome, long nanos) {
    grants(target, outcome).increment();
    Timer.builder("hoop.grant.decision")
        .description("time to decide a grant request (policy, task check, store, audit)")
        .tags("target", label("target", target), "outcome", label("outcome", outcome))
        .serviceLevelObjectives(DECISION_BUCKETS)
        .register(registry)
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  /**
   * A reviewer decided a pending grant (or revoked a live one).
   *
   * @param outcome {@code approved}, {@code denied} or {@code revoked}
   * @param waited from the request to this decision
   */
  public void grantReviewed(String target, String outcome, java.time.Duration waited) {
    Counter.builder("hoop.grant.reviews")
        .description("grants decided by reviewers after their request, by target and outcome")
        .tags("target", label("target", target), "outcome", label("outcome", outcome))
        .register(registry)
        .increment();
    if (!"revoked".equals(outcome)) {
      Timer.builder("hoop.grant.review.wait")
          .description("time from a grant request to the reviewers' decision")
          .tags("target", label("target", target), "outcome", label("outcome", outcome))
          .register(registry)
          .record(Math.max(0, waited.toNanos()), TimeUnit.NANOSECONDS);
    }
  }

  private Counter grants(String target, String outcome) {
    return Counter.builder("hoop.grants")
        .description("grant requests decided, by target and outcome")
        .tags("target", label("target", target), "outcome", label("outcome", outcome))
        .register(registry);
  }

  /** A tunnel (or direct session) was accepted after a handshake of {@code handshakeNanos}. */
  public void tunnelOpened(String target, String engine, long handshakeNanos) {
    liveTunnels(target, engine).incrementAndGet();
    Timer.builder("hoop.tunnel.handshake")
        .description("time from a complete tunnel handshake to the accepted reply")
        .tags("target", label("target", target), "engine", label("engine", engine))
        .serviceLevelObjectives(HANDSHAKE_BUCKETS)
        .register(registry)
        .record(handshakeNanos, TimeUnit.NANOSECONDS);
  }

  /**
   * A tunnel ended, having relayed {@code bytesUp} from the client and {@code bytesDown} to it.
   *
   * @param reason the close reason (a code such as {@code client_closed}, {@code grant_revoked})
   */
  public void tunnelClosed(
      String target, String engine, long bytesUp, long bytesDown, String reason) {
    liveTunnels(target, engine).decrementAndGet();
    bytes(target, engine, "up").increment(bytesUp);
    bytes(target, engine, "down").increment(bytesDown);
    Counter.builder("hoop.tunnels.closed")
        .description("tunnels closed, by target, engine and reason")
        .tags(
            "target",
            label("target", target),
            "engine",
            label("engine", engine),
            "reason",
            label("reason", reason))
        .register(registry)
        .increment();
  }

  /** A tunnel handshake was refused with {@code code} (e.g. {@code bad_grant_token}). */
  public void tunnelRefused(String code) {
    Counter.builder("hoop.tunnels.refused")
        .description("tunnel handshakes refused, by refusal code")
        .tags("code", label("code", code))
        .register(registry)
        .increment();
  }

  private Counter bytes(String target, String engine, String direction) {
    return Counter.builder("hoop.tunnel.relayed")
        .description(
            "bytes relayed by closed tunnels; up is client to target, down target to client")
        .baseUnit("bytes")
        .tags(
            "target",
            label("target", target),
            "engine",
            label("engine", engine),
            "direction",
            direction)
        .register(registry);
  }

  private AtomicInteger liveTunnels(String target, String engine) {
    List<String> key = List.of(label("target", target), label("engine", engine));
    return live.computeIfAbsent(
        key,
        k -> {
          AtomicInteger n = new AtomicInteger();
          Gauge.builder("hoop.tunnels.live", n, AtomicInteger::get)
              .description("tunnels relaying now, by target and engine")
              .tags("target", k.get(0), "engine", k.get(1))
              .register(registry);
          return n;
        });
  }

  /** An engine recorded one step of a session (a statement, a command, a request). */
  public void engineStep(String target, String engine, int maskedFields) {
    Counter.builder("hoop.engine.steps")
        .description("session steps engines recorded (statements, commands, requests)")
        .tags("target", label("target", target), "engine", label("engine", engine))
        .register(registry)
        .increment();
    if (maskedFields > 0) {
      Counter.builder("hoop.masked.fields")
          .description("fields the masking rules rewrote in results")
          .tags("target", label("target", target), "engine", label("engine", engine))
          .register(registry)
          .increment(maskedFields);
    }
  }

  /**
   * An engine refused an operation by policy (a blocked statement, a denied command).
   *
   * @param kind what was refused: {@code statement}, {@code exec}, {@code request}, ...
   */
  public void engineRefused(String target, String engine, String kind) {
    Counter.builder("hoop.engine.refusals")
        .description("operations engines refused by policy (blocked statements, denied commands)")
        .tags(
            "target",
            label("target", target),
            "engine",
            label("engine", engine),
            "kind",
            label("kind", kind))
        .register(registry)
        .increment();
  }

  /** One webhook delivery attempt ended. */
  public void webhookAttempt(String webhook, boolean delivered) {
    webhookCounter(webhook, delivered ? "delivered" : "failed").increment();
  }

  private Counter webhookCounter(String webhook, String outcome) {
    return Counter.builder("hoop.webhook.deliveries")
        .description("webhook delivery attempts, by webhook and outcome")
        .tags("webhook", label("webhook", webhook), "outcome", outcome)
        .register(registry);
  }

  /** Counts what {@code count} reads as {@code name} (a monotonic total kept elsewhere). */
  public void counting(String name, String description, LongSupplier count) {
    requireNonNull(count, "count");
    // Held here: Micrometer keeps only a weak reference, and a lambda held by nobody else would be
    // collected and read as zero.
    held.add(count);
    FunctionCounter.builder(name, count, c -> (double) c.getAsLong())
        .description(description)
        .register(registry);
  }

  /** A readiness check failed. */
  void readinessFailed(String check) {
    readinessFailures(check).increment();
  }

  /** The failure counter of {@code check}, registered at zero. */
  Counter readinessFailures(String check) {
    return Counter.builder("hoop.readiness.failures")
        .description("readiness checks that failed or did not answer in time, by check")
        .tags("check", label("check", check))
        .register(registry);
  }

  /**
   * The value as a label: at most {@link #MAX_LABEL_CHARS} printable characters, and one of the
   * first {@link #MAX_VALUES_PER_LABEL} distinct values of its label, else {@code other}.
   */
  String label(String label, String value) {
    String v = value == null || value.isEmpty() ? "none" : value;
    if (v.length() > MAX_LABEL_CHARS) {
      v = v.substring(0, MAX_LABEL_CHARS);
    }
    v = v.replaceAll("[^\\p{Graph}]", "_");
    Set<String> seen = labelValues.computeIfAbsent(label, k -> ConcurrentHashMap.newKeySet());
    if (seen.contains(v)) {
      return v;
    }
    synchronized (seen) {
      if (seen.size() >= MAX_VALUES_PER_LABEL) {
        return "other";
      }
      seen.add(v);
    }
    return v;
  }

  /** Lower case, for outcomes taken from enum names. */
  public static String outcome(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT);
  }

  private static Duration ms(long millis) {
    return Duration.ofMillis(millis);
  }

  @Override
  public void close() {
    gc.close();
    registry.close();
  }
}
