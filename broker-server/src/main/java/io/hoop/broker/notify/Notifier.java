package io.hoop.broker.notify;

import io.hoop.api.Approval;
import io.hoop.api.Grant;
import io.hoop.api.GrantStatus;
import io.hoop.api.HeldOperation;
import io.hoop.broker.config.NotificationsSection;
import io.hoop.broker.config.NotificationsSection.Event;
import io.hoop.broker.config.NotificationsSection.Webhook;
import io.hoop.broker.store.GrantStore;
import io.hoop.broker.store.StoredGrant;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns grant events into webhook deliveries. The grant code calls {@link #grant} and returns at
 * once: the call only queues the event id (bounded, oldest dropped when full); loading the grant,
 * building the bodies, sending, retrying and recording happen on the notifier's own threads. It
 * also fires {@code expiring} once per approved grant, {@code expiringBefore} its expiry.
 */
public final class Notifier implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Notifier.class);
  static final int DEFAULT_CAPACITY = 1000;
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
  private static final int MAX_RESUMED = 10_000;

  private final Supplier<NotificationsSection> config;
  private final GrantStore grants;
  private final Clock clock;
  private final ThreadPoolExecutor intake;
  private final ScheduledThreadPoolExecutor timers;
  private final Dispatcher dispatcher;
  private final Set<String> expiryScheduled = ConcurrentHashMap.newKeySet();
  private final AtomicLong droppedEvents = new AtomicLong();

  /** A notifier with the production queue size (1000), timeout (5 s) and two sender threads. */
  public Notifier(
      Supplier<NotificationsSection> config, GrantStore grants, DeliveryLog log, Clock clock) {
    this(config, grants, log, clock, DEFAULT_CAPACITY, DEFAULT_TIMEOUT, null);
  }

  /** {@code retries} null means retries wait on the notifier's own timer thread. */
  Notifier(
      Supplier<NotificationsSection> config,
      GrantStore grants,
      DeliveryLog log,
      Clock clock,
      int capacity,
      Duration timeout,
      Dispatcher.RetryScheduler retries) {
    this.config = config;
    this.grants = grants;
    this.clock = clock;
    this.timers =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "hoop-notify-timer");
              t.setDaemon(true);
              return t;
            });
    timers.setRemoveOnCancelPolicy(true);
    this.intake =
        new ThreadPoolExecutor(
            1,
            1,
            0,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(capacity),
            r -> {
              Thread t = new Thread(r, "hoop-notify");
              t.setDaemon(true);
              return t;
            },
            (task, pool) -> {
              if (pool.isShutdown()) {
                return;
              }
              // Drop the oldest queued event: the newest is the one people still act on.
              pool.getQueue().poll();
              long n = droppedEvents.incrementAndGet();
              if (n == 1 || n % 100 == 0) {
                LOG.warn("notification queue full: dropped oldest event droppedTotal={}", n);
              }
              pool.execute(task);
            });
    Dispatcher.RetryScheduler scheduler =
        retries != null
            ? retries
            : (task, delay) -> timers.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
    this.dispatcher =
        new Dispatcher(
            new DeliveryQueue(capacity),
            new WebhookSender(timeout),
            log,
            scheduler,
            capacity,
            2,
            clock);
  }

  /**
   * Reports a grant event. Returns at once and never throws: a notification problem must never fail
   * or slow down the grant decision that caused it.
   */
  public void grant(Event event, String grantId) {
    try {
      if (!config.get().wants(event)
          && !(event == Event.APPROVED && config.get().wants(Event.EXPIRING))) {
        return;
      }
      intake.execute(() -> build(event, grantId));
    } catch (RuntimeException e) {
      LOG.warn(
          "notification not queued event={} grant={}: {}", event.wireName(), grantId, e.toString());
    }
  }

  /**
   * Reports a held operation to the webhooks that want {@code hold}. Returns at once and never
   * throws, like {@link #grant}.
   */
  public void hold(HeldOperation h) {
    try {
      if (!config.get().wants(Event.HOLD)) {
        return;
      }
      intake.execute(
          () -> {
            try {
              NotificationsSection cfg = config.get();
              RetryPolicy retry = new RetryPolicy(cfg.attempts(), cfg.backoff());
              for (Webhook w : cfg.webhooks()) {
                if (w.events().contains(Event.HOLD)) {
                  byte[] body = WebhookPayloads.holdBody(w.format(), h, clock.instant());
                  dispatcher.submit(
                      new Delivery(
                          UUID.randomUUID().toString(),
                          w,
                          Event.HOLD,
                          h.grantId(),
                          body,
                          retry,
                          1));
                }
              }
            } catch (RuntimeException e) {
              LOG.warn("notification not built event=hold hold={}: {}", h.id(), e.toString());
            }
          });
    } catch (RuntimeException e) {
      LOG.warn("notification not queued event=hold hold={}: {}", h.id(), e.toString());
    }
  }

  /**
   * Schedules {@code expiring} for grants approved before a restart whose notice is still ahead; a
   * grant already inside its window at start is skipped rather than notified twice.
   */
  public void resume() {
    if (!config.get().wants(Event.EXPIRING)) {
      return;
    }
    intake.execute(
        () -> {
          for (StoredGrant g : grants.byStatus(GrantStatus.APPROVED, MAX_RESUMED)) {
            scheduleExpiring(g);
          }
        });
  }

  /** Events dropped because the queues were full (events and deliveries). */
  public long dropped() {
    return droppedEvents.get() + dispatcher.dropped();
  }

  private void build(Event event, String grantId) {
    try {
      Optional<StoredGrant> found = grants.find(grantId);
      if (found.isEmpty()) {
        return;
      }
      StoredGrant g = found.get();
      Instant now = clock.instant();
      if (event == Event.EXPIRING) {
        expiryScheduled.remove(grantId);
        if (g.effectiveStatus(now) != GrantStatus.APPROVED) {
          return;
        }
      }
      if (event == Event.APPROVED || event == Event.BREAK_GLASS) {
        scheduleExpiring(g);
      }
      NotificationsSection cfg = config.get();
      List<Approval> approvals = g.approvalsRequired() > 0 ? grants.approvals(grantId) : List.of();
      Grant view = g.toApi(now, null, approvals);
      RetryPolicy retry = new RetryPolicy(cfg.attempts(), cfg.backoff());
      for (Webhook w : cfg.webhooks()) {
        if (w.events().contains(event)) {
          byte[] body = WebhookPayloads.body(w.format(), event, view, now);
          dispatcher.submit(
              new Delivery(UUID.randomUUID().toString(), w, event, grantId, body, retry, 1));
        }
      }
    } catch (RuntimeException e) {
      LOG.warn(
          "notification not built event={} grant={}: {}", event.wireName(), grantId, e.toString());
    }
  }

  private void scheduleExpiring(StoredGrant g) {
    NotificationsSection cfg = config.get();
    if (!cfg.wants(Event.EXPIRING) || g.expiresAt() == null || g.approvedAt() == null) {
      return;
    }
    Instant fireAt = g.expiresAt().minus(cfg.expiringBefore());
    Instant now = clock.instant();
    // A grant shorter than the notice period gets no "expiring": it would arrive with "approved".
    if (!fireAt.isAfter(g.approvedAt()) || !fireAt.isAfter(now)) {
      return;
    }
    if (expiryScheduled.add(g.id())) {
      timers.schedule(
          () -> grant(Event.EXPIRING, g.id()),
          Duration.between(now, fireAt).toMillis(),
          TimeUnit.MILLISECONDS);
    }
  }

  @Override
  public void close() {
    intake.shutdownNow();
    timers.shutdownNow();
    dispatcher.close();
  }
}
