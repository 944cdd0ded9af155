package io.hoop.broker.notify;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends deliveries on its own threads: takes them from a bounded {@link DeliveryQueue}, posts each
 * attempt, records it, and hands failed ones to a {@link RetryScheduler} that puts them back in the
 * queue after the backoff. Nothing here ever runs on a request thread.
 */
final class Dispatcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

  /** Runs a task after a delay (a scheduled executor in production; tests record the delays). */
  @FunctionalInterface
  interface RetryScheduler {
    void schedule(Runnable task, Duration delay);
  }

  private final DeliveryQueue queue;
  private final WebhookSender sender;
  private final DeliveryLog log;
  private final RetryScheduler scheduler;
  private final Clock clock;
  private final int maxWaiting;
  private final AtomicInteger waiting = new AtomicInteger();
  private final AtomicLong droppedRetries = new AtomicLong();
  private final List<Thread> workers = new ArrayList<>();
  private volatile boolean closed;

  Dispatcher(
      DeliveryQueue queue,
      WebhookSender sender,
      DeliveryLog log,
      RetryScheduler scheduler,
      int maxWaiting,
      int threads,
      Clock clock) {
    this.queue = queue;
    this.sender = sender;
    this.log = log;
    this.scheduler = scheduler;
    this.maxWaiting = maxWaiting;
    this.clock = clock;
    for (int i = 0; i < threads; i++) {
      Thread t = new Thread(this::run, "hoop-webhook-" + (i + 1));
      t.setDaemon(true);
      workers.add(t);
      t.start();
    }
  }

  /** Queues a delivery; never blocks (the oldest queued one is dropped when full). */
  void submit(Delivery d) {
    Delivery dropped = queue.offer(d);
    if (dropped != null) {
      long n = queue.dropped();
      // Logged on the first drop and then every 100th, so a dead receiver cannot flood the log.
      if (n == 1 || n % 100 == 0) {
        LOG.warn(
            "webhook queue full: dropped oldest delivery={} webhook={} event={} grant={}"
                + " droppedTotal={}",
            dropped.id(),
            dropped.webhook().name(),
            dropped.event().wireName(),
            dropped.grantId(),
            n);
      }
    }
  }

  /** Deliveries dropped because the queue or the retry backlog was full. */
  long dropped() {
    return queue.dropped() + droppedRetries.get();
  }

  private void run() {
    while (!closed) {
      Delivery d;
      try {
        d = queue.poll(500);
      } catch (InterruptedException e) {
        return;
      }
      if (d != null) {
        attempt(d);
      }
    }
  }

  /** One attempt: send, record, and schedule the next one if it failed and may be retried. */
  void attempt(Delivery d) {
    Integer status = null;
    String error = null;
    try {
      status = sender.post(d);
    } catch (IOException e) {
      error = describe(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      error = "interrupted (broker stopping)";
    } catch (RuntimeException e) {
      error = describe(e);
    }
    boolean delivered = status != null && status >= 200 && status < 300;
    try {
      log.record(
          new DeliveryRecord(
              0,
              d.id(),
              clock.instant(),
              d.event().wireName(),
              d.webhook().name(),
              d.grantId(),
              d.attempt(),
              status,
              error,
              delivered));
    } catch (RuntimeException e) {
      LOG.warn("cannot record webhook delivery={}: {}", d.id(), e.getMessage());
    }
    if (delivered) {
      LOG.debug(
          "webhook delivered delivery={} webhook={} attempt={}",
          d.id(),
          d.webhook().name(),
          d.attempt());
      return;
    }
    boolean retryable = status == null || status == 408 || status == 429 || status >= 500;
    var delay =
        retryable && !closed ? d.retry().delayAfter(d.attempt()) : Optional.<Duration>empty();
    LOG.warn(
        "webhook failed delivery={} webhook={} event={} grant={} attempt={} status={} error={}"
            + " retryIn={}",
        d.id(),
        d.webhook().name(),
        d.event().wireName(),
        d.grantId(),
        d.attempt(),
        status,
        error,
        delay.map(Duration::toString).orElse("never"));
    if (delay.isEmpty()) {
      return;
    }
    if (waiting.incrementAndGet() > maxWaiting) {
      waiting.decrementAndGet();
      long n = droppedRetries.incrementAndGet();
      LOG.warn("webhook retry backlog full: dropped delivery={} droppedRetries={}", d.id(), n);
      return;
    }
    Delivery next = d.next();
    scheduler.schedule(
        () -> {
          waiting.decrementAndGet();
          if (!closed) {
            submit(next);
          }
        },
        delay.get());
  }

  /** The failure without the URL (it may hold a credential). */
  private static String describe(Exception e) {
    String m = e.getMessage();
    String kind = e.getClass().getSimpleName();
    if (m == null || m.isBlank() || m.contains("://")) {
      return kind;
    }
    return kind + ": " + m;
  }

  @Override
  public void close() {
    closed = true;
    for (Thread t : workers) {
      t.interrupt();
    }
    for (Thread t : workers) {
      try {
        t.join(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
