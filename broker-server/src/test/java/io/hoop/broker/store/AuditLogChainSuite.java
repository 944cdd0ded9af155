package io.hoop.broker.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoop.api.AuditCanonical;
import io.hoop.api.AuditRecord;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The audit hash chain under concurrent appends, across reopens and over rows written before
 * hashing existed; run against each store by a subclass that says which ({@code
 * H2AuditLogChainTest}, {@code PostgresAuditLogChainIT} in testkit).
 */
public abstract class AuditLogChainSuite {
  /** Opens the store of the current test: empty on the first call, the same data after. */
  protected abstract Store openStore();

  static List<AuditRecord> all(AuditLog log) {
    List<AuditRecord> out = new ArrayList<>();
    log.records(Long.MAX_VALUE, null, null, null, null, out::add);
    return out;
  }

  /** Asserts seq 1..n without gaps, every hash recomputes and every prev link holds. */
  static void assertChainIntact(List<AuditRecord> records, int n) {
    assertThat(records).hasSize(n);
    String prev = AuditCanonical.GENESIS_HASH;
    for (int i = 0; i < n; i++) {
      AuditRecord r = records.get(i);
      assertThat(r.seq()).isEqualTo(i + 1L);
      assertThat(r.prevHash()).as("prev link of seq %d", r.seq()).isEqualTo(prev);
      assertThat(r.computeHash()).as("hash of seq %d", r.seq()).isEqualTo(r.hash());
      prev = r.hash();
    }
  }

  @Test
  public void concurrentAppendsFormOneUnbrokenChain() throws Exception {
    int threads = 8;
    int each = 500;
    try (Store s = openStore()) {
      AuditLog log = new AuditLog(s, Clock.systemUTC());
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      CountDownLatch go = new CountDownLatch(1);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int id = t;
        done.add(
            pool.submit(
                () -> {
                  go.await();
                  for (int i = 0; i < each; i++) {
                    log.append(
                        "test.event",
                        "user-" + id,
                        "db",
                        null,
                        "T-" + id,
                        Map.of("i", i, "thread", id, "note", "é ✓"));
                  }
                  return null;
                }));
      }
      go.countDown();
      for (Future<?> f : done) {
        f.get(120, TimeUnit.SECONDS);
      }
      pool.shutdown();
      List<AuditRecord> records = all(log);
      assertChainIntact(records, threads * each);
      assertThat(log.head().seq()).isEqualTo(threads * each);
      assertThat(log.head().hash()).isEqualTo(records.get(records.size() - 1).hash());
      for (int i = 1; i < records.size(); i++) {
        assertThat(Instant.parse(records.get(i).time()))
            .isAfterOrEqualTo(Instant.parse(records.get(i - 1).time()));
      }
    }
  }

  @Test
  public void headIsReloadedOnStartAndTheChainContinues() {
    try (Store s = openStore()) {
      AuditLog log = new AuditLog(s, Clock.systemUTC());
      log.append("login", "alice", null, null, null, Map.of("groups", List.of("eng")));
      log.append("login", "bob", null, null, null, Map.of());
    }
    try (Store s = openStore()) {
      AuditLog log = new AuditLog(s, Clock.systemUTC());
      assertThat(log.head().seq()).isEqualTo(2);
      log.append("grant.approved", "alice", "db", "g-1", "JIRA-1", Map.of("decision", "ok"));
      assertChainIntact(all(log), 3);
      assertThat(log.list(0, 10, null, null)).extracting(e -> e.seq()).containsExactly(1L, 2L, 3L);
    }
  }

  @Test
  public void recordsWrittenBeforeHashingAreChainedOnceAtStart() throws Exception {
    try (Store s = openStore()) {
      try (Connection c = s.connection();
          PreparedStatement ps =
              c.prepareStatement(
                  "insert into audit_events (event_time, event_type, principal, details)"
                      + " values (?, ?, ?, ?)")) {
        for (int i = 0; i < 3; i++) {
          ps.setObject(1, OffsetDateTime.of(2024, 1, 1, 10, 0, i, 123_456_000, ZoneOffset.UTC));
          ps.setString(2, "login");
          ps.setString(3, "old-" + i);
          ps.setString(4, "{\"z\":1,\"a\":\"" + i + "\"}");
          ps.executeUpdate();
        }
      }
      AuditLog log = new AuditLog(s, Clock.systemUTC());
      assertThat(log.head().seq()).isEqualTo(3);
      log.append("login", "new", null, null, null, Map.of());
      assertChainIntact(all(log), 4);
      String hashOf2 = log.hashAt(2);
      // A second start finds nothing to chain and leaves the hashes alone.
      AuditLog again = new AuditLog(s, Clock.systemUTC());
      assertThat(again.hashAt(2)).isEqualTo(hashOf2);
      assertThat(again.head().seq()).isEqualTo(4);
    }
  }

  @Test
  public void filtersSelectRecordsWithTheirStoredHashes() {
    try (Store s = openStore()) {
      AuditLog log = new AuditLog(s, Clock.systemUTC());
      log.append("grant.approved", "alice", "db", "g-1", "A-1", Map.of());
      log.append("grant.approved", "bob", "ssh", "g-2", "B-1", Map.of());
      log.append("tunnel.open", "alice", "db", "g-1", "A-1", Map.of());
      List<AuditRecord> byTask = new ArrayList<>();
      log.records(Long.MAX_VALUE, null, null, "A-1", null, byTask::add);
      assertThat(byTask).extracting(AuditRecord::seq).containsExactly(1L, 3L);
      List<AuditRecord> byTarget = new ArrayList<>();
      log.records(2, null, null, null, "ssh", byTarget::add);
      assertThat(byTarget).extracting(AuditRecord::seq).containsExactly(2L);
      List<AuditRecord> bySince = new ArrayList<>();
      log.records(Long.MAX_VALUE, Instant.now().plusSeconds(60), null, null, null, bySince::add);
      assertThat(bySince).isEmpty();
      assertThat(byTask.get(1).prevHash()).isEqualTo(log.hashAt(2));
    }
  }
}
