package io.hoop.broker.ops;

import static java.util.Objects.requireNonNull;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the broker can serve: every named check (the store answers a trivial query, the signing
 * keys sign and verify) passes within {@link #timeout}. Checks run on one thread of their own, at
 * most once per {@link #maxAge} however many probes ask (an unauthenticated endpoint must not let
 * anyone hammer the store), and a probe never waits on a check longer than the timeout: a check
 * still stuck past it is answered as failed at once.
 */
public final class Readiness implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Readiness.class);

  /** How long the checks together may take before the broker counts as not ready. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);

  /** How long an answer is reused. */
  public static final Duration DEFAULT_MAX_AGE = Duration.ofSeconds(1);

  /** One check: returns normally when it passes, throws with the reason otherwise. */
  @FunctionalInterface
  public interface Check {
    void run() throws Exception;
  }

  /**
   * The answer: ready, and each check's state ({@code ok} or a short reason without details).
   *
   * @param ready whether every check passed
   * @param checks each check's name and state, in order
   */
  public record Status(boolean ready, Map<String, String> checks) {
    public Status {
      checks = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(checks));
    }
  }

  private final Map<String, Check> checks;
  private final Duration timeout;
  private final Duration maxAge;
  private final BrokerMetrics metrics;
  private final ExecutorService runner;
  private Status last;
  private long lastAt;
  private CompletableFuture<Status> running;
  private long runningSince;
  private boolean runningCounted;
  // The states of the run in progress so far, for an answer while it is stuck.
  private final Map<String, String> progress = new java.util.concurrent.ConcurrentHashMap<>();
  private boolean wasReady = true;

  /**
   * @param checks the checks by name, run in this order
   * @param metrics counts failed checks; may be null
   */
  public Readiness(
      Map<String, Check> checks, Duration timeout, Duration maxAge, BrokerMetrics metrics) {
    this.checks = new LinkedHashMap<>(requireNonNull(checks, "checks"));
    this.timeout = requireNonNull(timeout, "timeout");
    this.maxAge = requireNonNull(maxAge, "maxAge");
    this.metrics = metrics;
    if (metrics != null) {
      this.checks.keySet().forEach(metrics::readinessFailures);
    }
    this.runner =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "hoop-readiness");
              t.setDaemon(true);
              return t;
            });
  }

  /** The store answers {@code SELECT 1}; the query itself is bounded by {@code timeout} too. */
  public static Check store(DataSource dataSource, Duration timeout) {
    requireNonNull(dataSource, "dataSource");
    int seconds = (int) Math.max(1, timeout.toSeconds());
    return () -> {
      try (Connection c = dataSource.getConnection();
          Statement s = c.createStatement()) {
        s.setQueryTimeout(seconds);
        s.execute("SELECT 1");
      }
    };
  }

  /** The current answer, from a check run now or at most {@code maxAge} ago. */
  public Status status() {
    CompletableFuture<Status> f;
    synchronized (this) {
      long now = System.nanoTime();
      if (last != null && now - lastAt < maxAge.toNanos()) {
        return last;
      }
      if (running != null && now - runningSince >= timeout.toNanos()) {
        // A check stuck past the timeout (a pool waiting for a dead server): answer at once.
        return stuck();
      }
      if (running == null) {
        running = new CompletableFuture<>();
        runningSince = now;
        runningCounted = false;
        CompletableFuture<Status> started = running;
        try {
          runner.execute(() -> finish(started, runChecks()));
        } catch (RejectedExecutionException e) {
          running = null;
          return new Status(false, Map.of("broker", "stopping"));
        }
      }
      f = running;
    }
    long left = timeout.toNanos() - (System.nanoTime() - runningSinceSnapshot());
    try {
      return f.get(Math.max(0, left), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      synchronized (this) {
        return stuck();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Status(false, Map.of("broker", "interrupted"));
    } catch (ExecutionException e) {
      return new Status(false, Map.of("broker", "check failed"));
    }
  }

  private synchronized long runningSinceSnapshot() {
    return runningSince;
  }

  private Status stuck() {
    Map<String, String> states = new LinkedHashMap<>();
    String stuckAt = null;
    for (String name : checks.keySet()) {
      String done = progress.get(name);
      if (done != null) {
        states.put(name, done);
      } else if (stuckAt == null) {
        stuckAt = name;
        states.put(name, "no answer within " + timeout.toMillis() + " ms");
      } else {
        states.put(name, "not checked");
      }
    }
    if (!runningCounted && metrics != null && stuckAt != null) {
      // Once per stuck run, however many probes are answered from it.
      runningCounted = true;
      metrics.readinessFailed(stuckAt);
    }
    Status s = new Status(false, states);
    transition(s);
    return s;
  }

  private synchronized void finish(CompletableFuture<Status> f, Status s) {
    last = s;
    lastAt = System.nanoTime();
    running = null;
    transition(s);
    f.complete(s);
  }

  private Status runChecks() {
    progress.clear();
    Map<String, String> states = new LinkedHashMap<>();
    boolean ready = true;
    for (Map.Entry<String, Check> e : checks.entrySet()) {
      try {
        e.getValue().run();
        states.put(e.getKey(), "ok");
        progress.put(e.getKey(), "ok");
      } catch (Exception | Error failure) {
        ready = false;
        // The probe answer says only which check failed: exception texts may name hosts and users.
        states.put(e.getKey(), "failed");
        progress.put(e.getKey(), "failed");
        LOG.debug("readiness check failed check={}", e.getKey(), failure);
        if (metrics != null) {
          metrics.readinessFailed(e.getKey());
        }
        logFailure(e.getKey(), failure);
      }
    }
    return new Status(ready, states);
  }

  private void logFailure(String check, Throwable failure) {
    synchronized (this) {
      if (!wasReady) {
        return;
      }
    }
    LOG.warn("readiness check failed check={} error={}", check, failure.toString());
  }

  // Logged once per change, not once per probe.
  private synchronized void transition(Status s) {
    if (s.ready() != wasReady) {
      if (s.ready()) {
        LOG.info("broker ready again checks={}", s.checks());
      } else {
        LOG.warn("broker not ready checks={}", s.checks());
      }
      wasReady = s.ready();
    }
  }

  @Override
  public void close() {
    runner.shutdownNow();
  }
}
