package io.hoop.broker.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoop.broker.direct.DirectCredentials;
import io.hoop.engine.postgres.auth.ScramVerifier;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The shared direct-credential table, run on H2 here and on a real PostgreSQL server by testkit:
 * what one replica keeps, another reads back byte for byte, and failures counted at once from two
 * replicas all count. A replica's table holds no state of its own, so two tables on one store (on
 * separate pooled connections) stand for two replicas.
 */
public abstract class DirectCredentialStoreSuite {
  static final Instant T0 = Instant.parse("2026-12-08T10:00:00Z");

  /** Opens the store of the current test: empty on the first call, the same data after. */
  protected abstract Store openStore();

  private static DirectCredentials.Entry entry(String grant, String password, Instant expires) {
    return new DirectCredentials.Entry(
        grant, "alice@example.test", ScramVerifier.derive(password, 4096), expires);
  }

  @Test
  void anEntryComesBackWholeOnAnotherReplicaAndIsReplacedWhole() {
    try (Store store = openStore()) {
      DirectCredentialStore onA = new DirectCredentialStore(store);
      DirectCredentialStore onB = new DirectCredentialStore(store);
      DirectCredentials.Entry first = entry("g-1", "pw-1", T0.plusSeconds(600));
      onA.put(first);
      assertThat(onB.get("g-1")).contains(first);
      assertThat(onB.addFailure("g-1")).isEqualTo(1);
      DirectCredentials.Entry second = entry("g-1", "pw-2", T0.plusSeconds(900));
      onB.put(second);
      assertThat(onA.get("g-1")).contains(second);
      assertThat(onA.addFailure("g-1")).as("a new password starts a new count").isEqualTo(1);
      assertThat(onA.get("g-none")).isEmpty();
      assertThat(onA.addFailure("g-none")).isZero();
    }
  }

  @Test
  void failuresCountedAtOnceFromTwoReplicasAllCount() throws Exception {
    try (Store store = openStore()) {
      DirectCredentialStore onA = new DirectCredentialStore(store);
      DirectCredentialStore onB = new DirectCredentialStore(store);
      onA.put(entry("g-2", "pw", T0.plusSeconds(600)));
      ExecutorService pool = Executors.newFixedThreadPool(8);
      try {
        List<Future<Integer>> counts = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
          DirectCredentialStore table = i % 2 == 0 ? onA : onB;
          counts.add(pool.submit(() -> table.addFailure("g-2")));
        }
        List<Integer> seen = new ArrayList<>();
        for (Future<Integer> f : counts) {
          seen.add(f.get(30, TimeUnit.SECONDS));
        }
        assertThat(seen).as("each count read back its own increment").doesNotHaveDuplicates();
        assertThat(onB.addFailure("g-2")).isEqualTo(41);
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void removedAndExpiredEntriesAreGoneForEveryReplica() {
    try (Store store = openStore()) {
      DirectCredentialStore onA = new DirectCredentialStore(store);
      DirectCredentialStore onB = new DirectCredentialStore(store);
      onA.put(entry("g-3", "pw", T0.plusSeconds(60)));
      onA.put(entry("g-4", "pw", T0.plusSeconds(600)));
      onA.put(entry("g-5", "pw", T0.plusSeconds(600)));
      assertThat(onB.count()).isEqualTo(3);
      onB.remove("g-5");
      onB.removeExpired(T0.plusSeconds(60));
      assertThat(onA.get("g-3")).isEmpty();
      assertThat(onA.get("g-4")).isPresent();
      assertThat(onA.get("g-5")).isEmpty();
      assertThat(onA.count()).isEqualTo(1);
    }
  }
}
