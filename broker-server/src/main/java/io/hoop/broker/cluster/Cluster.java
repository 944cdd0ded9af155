package io.hoop.broker.cluster;

import static java.util.Objects.requireNonNull;

import io.hoop.broker.cluster.ClusterChannel.Kind;
import io.hoop.broker.cluster.ClusterChannel.Message;
import io.hoop.broker.governance.HoldRelay;
import io.hoop.broker.store.HoldStore;
import io.hoop.broker.store.ReplicaStore;
import io.hoop.broker.store.Store;
import io.hoop.broker.store.StoreException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This broker as one replica of its store. It keeps its row in {@code broker_replicas} fresh, and
 * makes a change made here reach the tunnels and holds of every replica: at once here, through the
 * {@link ClusterChannel} elsewhere (PostgreSQL with shared keys), and through a periodic {@link
 * Reconciler} pass on each replica that catches a message that never arrived.
 *
 * <p>A broker without shared keys is its store's only replica: it refuses to start while another
 * broker serves from the same store (their tokens would not verify on each other).
 */
public final class Cluster implements HoldRelay, AutoCloseable {
  /** How often a replica refreshes its row. */
  static final Duration HEARTBEAT = Duration.ofSeconds(2);

  /** A replica not seen for this long is taken for gone. */
  static final Duration ALIVE = Duration.ofSeconds(10);

  /** How often each replica reconciles everything. */
  public static final Duration RECONCILE = Duration.ofSeconds(5);

  private static final Duration FORGET = Duration.ofHours(1);
  private static final Logger LOG = LoggerFactory.getLogger(Cluster.class);

  private final String id;
  private final String url;
  private final boolean shared;
  // Whether this broker has a row in broker_replicas (a PostgreSQL store).
  private final boolean registered;
  private final ReplicaStore replicas;
  private final HoldStore holds;
  private final Reconciler reconciler;
  private final Executor executor;
  private final Clock clock;
  private final ClusterChannel channel;
  private final List<ScheduledFuture<?>> timers;
  private final java.util.concurrent.atomic.AtomicLong received =
      new java.util.concurrent.atomic.AtomicLong();

  /** How this broker shares its store. */
  public enum Mode {
    /** The embedded store: one broker by construction. */
    EMBEDDED,
    /** A PostgreSQL store without shared keys: one broker at a time. */
    SOLO,
    /** A PostgreSQL store whose keys the replicas share ({@code store.keyFile}). */
    SHARED
  }

  private Cluster(
      String id,
      Store store,
      String url,
      Mode mode,
      Reconciler reconciler,
      Executor executor,
      ScheduledExecutorService timer,
      Clock clock) {
    this.id = id;
    this.url = url;
    this.shared = mode == Mode.SHARED;
    this.registered = mode != Mode.EMBEDDED;
    this.replicas = new ReplicaStore(store);
    this.holds = new HoldStore(store);
    this.reconciler = reconciler;
    this.executor = executor;
    this.clock = clock;
    if (registered) {
      refuseOthers(shared);
      replicas.heartbeat(id, url, shared, clock.instant(), FORGET);
    }
    this.channel = shared ? ClusterChannel.start(store, id, new Receiver()) : null;
    List<ScheduledFuture<?>> scheduled = new java.util.ArrayList<>();
    scheduled.add(
        timer.scheduleAtFixedRate(
            () -> run(this::reconcileAll),
            RECONCILE.toMillis(),
            RECONCILE.toMillis(),
            TimeUnit.MILLISECONDS));
    if (registered) {
      scheduled.add(
          timer.scheduleAtFixedRate(
              () -> run(this::heartbeat),
              HEARTBEAT.toMillis(),
              HEARTBEAT.toMillis(),
              TimeUnit.MILLISECONDS));
    }
    this.timers = List.copyOf(scheduled);
    LOG.info("replica joined id={} sharedKeys={}", id, shared);
  }

  /**
   * Another broker on the store: with shared keys only one that shares them too; without, none. A
   * broker's row outlives it for up to {@link #ALIVE} after a crash, so a conflict is waited out
   * that long before the start is refused.
   */
  private void refuseOthers(boolean sharing) {
    Instant deadline = clock.instant().plus(ALIVE).plus(HEARTBEAT);
    while (true) {
      Instant now = clock.instant();
      ReplicaStore.Replica other =
          replicas.seenSince(now.minus(ALIVE)).stream()
              .filter(r -> !r.id().equals(id))
              .filter(r -> !sharing || !r.sharesKeys())
              .findFirst()
              .orElse(null);
      if (other == null) {
        return;
      }
      if (now.isAfter(deadline)) {
        throw new StoreException(
            "another broker serves from this store (replica "
                + other.id()
                + " at "
                + other.url()
                + (other.sharesKeys() ? ", sharing keys" : ", not sharing keys")
                + "); brokers on one store must all set store.keyFile to share their keys"
                + " (README: Running in production), or the other must stop first",
            null);
      }
      LOG.info("waiting for replica {} ({}) to go stale or prove alive", other.id(), other.url());
      try {
        Thread.sleep(1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new StoreException("interrupted while checking the store's other brokers", e);
      }
    }
  }

  /**
   * Joins the store as a replica.
   *
   * @param id this replica's id ({@link #idOf}), which its held operations carry
   * @param mode how the store is shared: with {@link Mode#SHARED} other replicas serve beside this
   *     one and hear of its changes
   * @param executor where store work runs (never an event loop)
   * @param timer schedules the heartbeat and the reconciliation
   * @throws StoreException when another broker serves from the store and keys are not shared by
   *     both
   */
  public static Cluster join(
      String id,
      Store store,
      String url,
      Mode mode,
      Reconciler reconciler,
      Executor executor,
      ScheduledExecutorService timer,
      Clock clock) {
    return new Cluster(
        requireNonNull(id, "id"),
        requireNonNull(store, "store"),
        requireNonNull(url, "url"),
        requireNonNull(mode, "mode"),
        requireNonNull(reconciler, "reconciler"),
        requireNonNull(executor, "executor"),
        requireNonNull(timer, "timer"),
        requireNonNull(clock, "clock"));
  }

  /** Messages heard from other replicas since start. */
  public long received() {
    return received.get();
  }

  /** This replica's id, as its held operations and the store name it. */
  public String id() {
    return id;
  }

  /** A grant ended here (its tunnels here are closed already): the other replicas close theirs. */
  public void grantEnded(String grantId) {
    tell(Kind.GRANT, grantId);
  }

  /** A login session was revoked here: its tunnels here and on every replica close. */
  public void loginRevoked(String loginSession) {
    run(() -> reconciler.login(loginSession));
    tell(Kind.LOGIN, loginSession);
  }

  @Override
  public boolean waitsElsewhere(String holdId) {
    if (!shared) {
      return false;
    }
    String owner = holds.replicaOf(holdId).orElse(null);
    if (owner == null || owner.equals(id)) {
      return false;
    }
    Instant since = clock.instant().minus(ALIVE);
    return replicas.seenSince(since).stream().anyMatch(r -> r.id().equals(owner));
  }

  @Override
  public void decided(String holdId) {
    tell(Kind.HOLD, holdId);
  }

  private void tell(Kind kind, String subject) {
    if (channel == null) {
      return;
    }
    try {
      channel.publish(kind, subject);
    } catch (StoreException e) {
      // Stored already: the other replicas' reconciliation finds it within RECONCILE.
      LOG.warn("replicas not told {} {}: {}", kind, subject, e.getMessage());
    }
  }

  private void heartbeat() {
    replicas.heartbeat(id, url, shared, clock.instant(), FORGET);
  }

  private void reconcileAll() {
    reconciler.all();
  }

  private void run(Runnable work) {
    try {
      executor.execute(
          () -> {
            try {
              work.run();
            } catch (StoreException e) {
              // Fail closed where it matters (grants, logins, handshakes need the store); the
              // tunnels already open keep their deadlines, and the next pass catches up.
              LOG.warn("replica {}: {}", id, e.getMessage());
            } catch (RuntimeException e) {
              LOG.error("replica {} background work failed", id, e);
            }
          });
    } catch (RejectedExecutionException e) {
      // Stopping.
    }
  }

  private final class Receiver implements ClusterChannel.Receiver {
    @Override
    public void received(Message m) {
      if (m.from().equals(id)) {
        return;
      }
      received.incrementAndGet();
      switch (m.kind()) {
        case GRANT -> run(() -> reconciler.grant(m.id()));
        case LOGIN -> run(() -> reconciler.login(m.id()));
        case HOLD -> run(() -> reconciler.hold(m.id()));
      }
    }

    @Override
    public void reconnected() {
      run(Cluster.this::reconcileAll);
    }
  }

  /**
   * The replica id of a data dir: made on first start and kept in {@code replica-id}, so a broker
   * restarted after a crash is recognised as itself (not as another broker still alive) and its
   * held operations as its own.
   */
  public static String idOf(java.nio.file.Path dataDir) throws java.io.IOException {
    java.nio.file.Path file = dataDir.resolve("replica-id");
    if (java.nio.file.Files.isRegularFile(file)) {
      String id = java.nio.file.Files.readString(file).strip();
      if (id.matches("r-[0-9a-f]{12}")) {
        return id;
      }
    }
    byte[] b = new byte[6];
    new java.security.SecureRandom().nextBytes(b);
    String id = "r-" + HexFormat.of().formatHex(b);
    io.hoop.broker.util.SecureFiles.writePrivate(
        file, (id + "\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    return id;
  }

  @Override
  public void close() {
    timers.forEach(t -> t.cancel(false));
    if (channel != null) {
      channel.close();
    }
    if (!registered) {
      return;
    }
    try {
      replicas.leave(id);
    } catch (StoreException e) {
      LOG.warn("replica {} not removed from the store: {}", id, e.getMessage());
    }
  }
}
