package io.hoop.testkit.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoop.broker.audit.AuditExports;
import io.hoop.broker.config.RetentionConfig;
import io.hoop.broker.config.RetentionConfig.Keep;
import io.hoop.broker.retention.PurgeReport;
import io.hoop.broker.retention.RetentionPurgeSuite;
import io.hoop.broker.retention.RetentionPurger;
import io.hoop.broker.store.AuditLog;
import io.hoop.broker.store.PostgresConfig;
import io.hoop.broker.store.Store;
import io.hoop.testkit.PostgresCluster;
import io.hoop.testkit.PostgresExtension;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link RetentionPurgeSuite} against a real PostgreSQL server, plus what only a shared store has:
 * two replicas purging at once (only one does), and a lock held by another session.
 */
@ExtendWith(PostgresExtension.class)
class PostgresRetentionPurgeIT extends RetentionPurgeSuite {
  private final PostgresCluster cluster;
  private PostgresConfig database;

  PostgresRetentionPurgeIT(PostgresCluster cluster) {
    this.cluster = cluster;
  }

  @Override
  protected Store openStore() {
    if (database == null) {
      database = PostgresStores.freshDatabase(cluster);
    }
    return Store.openPostgres(database);
  }

  private void oldStatements() throws Exception {
    config.set(
        new RetentionConfig(
            Keep.FOREVER,
            new Keep(Duration.ofDays(1)),
            Keep.FOREVER,
            Duration.ofHours(1),
            java.util.Map.of()));
    session("s-a", "db", T0, T0.plusSeconds(1), 2500);
    session("s-b", "db", T0, T0.plusSeconds(1), 10);
    clock.advance(Duration.ofDays(2));
  }

  @Test
  void twoReplicasPurgingAtOnceOnlyOnePurges() throws Exception {
    oldStatements();
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicBoolean paused = new AtomicBoolean();
    RetentionPurger first =
        new RetentionPurger(
            store,
            log,
            trail.exports(),
            config::get,
            null,
            clock,
            () -> {
              if (paused.compareAndSet(false, true)) {
                inside.countDown();
                try {
                  release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              }
            });
    // The second replica: its own pool, its own audit writer, the same database.
    try (Store replica = Store.openPostgres(database)) {
      RetentionPurger second =
          new RetentionPurger(
              replica,
              new AuditLog(replica, clock),
              new AuditExports(replica),
              config::get,
              null,
              clock);
      CompletableFuture<PurgeReport> a =
          CompletableFuture.supplyAsync(() -> first.purge(false, "admin:a"));
      assertThat(inside.await(30, TimeUnit.SECONDS)).isTrue();
      // The first holds the lock mid-purge (one batch committed): the second is refused.
      PurgeReport b = second.purge(false, "admin:b");
      assertThat(b.skipped()).contains("another replica holds the retention purge lock");
      assertThat(b.kinds()).noneMatch(k -> k.kind().equals("statements"));
      release.countDown();
      PurgeReport done = a.get(60, TimeUnit.SECONDS);
      assertThat(done.skipped()).isNull();
      assertThat(kind(done, "statements").deleted()).isEqualTo(2510);
      assertThat(count("select count(*) from session_statements")).isZero();
      // Once free, the second runs and finds nothing left.
      PurgeReport after = second.purge(false, "admin:b");
      assertThat(after.skipped()).isNull();
      assertThat(kind(after, "statements").deleted()).isZero();
      // One chain across both replicas' audit writers.
      assertThat(count("select count(*) from retention_purges where kind = 'statements'"))
          .isEqualTo(1);
    }
  }

  @Test
  void aLockHeldByAnotherSessionSkipsTheStoreUntilThatSessionEnds() throws Exception {
    oldStatements();
    String url = cluster.jdbcUrl(database.database());
    try (Connection other = DriverManager.getConnection(url, database.user(), "")) {
      try (PreparedStatement ps = other.prepareStatement("select pg_advisory_lock(?)")) {
        ps.setLong(1, RetentionPurger.LOCK_KEY);
        ps.execute();
      }
      PurgeReport r = purger().purge(false, null);
      assertThat(r.skipped()).contains("pg advisory lock");
      assertThat(count("select count(*) from session_statements")).isEqualTo(2510);
      // The holder dies without unlocking: PostgreSQL frees the lock with its session.
    }
    // The server ends that session (and frees its lock) when it reads the client's goodbye,
    // a moment after close() returned.
    PurgeReport r = purger().purge(false, null);
    for (int i = 0; i < 100 && r.skipped() != null; i++) {
      Thread.sleep(100);
      r = purger().purge(false, null);
    }
    assertThat(r.skipped()).isNull();
    assertThat(count("select count(*) from session_statements")).isZero();
  }
}
