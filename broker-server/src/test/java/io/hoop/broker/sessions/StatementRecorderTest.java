package io.hoop.broker.sessions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hoop.api.SessionStatement;
import io.hoop.api.SessionSummary;
import io.hoop.broker.store.SessionStore;
import io.hoop.broker.store.StatementStore;
import io.hoop.broker.store.Store;
import io.hoop.engine.postgres.engine.QueryEvent;
import io.hoop.tunnel.engine.EngineListener;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The recorder against the embedded store: ordering, drops under overload, visibility. */
class StatementRecorderTest {
  static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

  @TempDir Path dir;
  Store store;
  StatementStore statements;
  SessionStore sessions;

  @BeforeEach
  void open() {
    store = Store.openEmbedded(dir);
    statements = new StatementStore(store);
    sessions = new SessionStore(store);
  }

  @AfterEach
  void close() {
    store.close();
  }

  static QueryEvent event(int i, boolean blocked) {
    return new QueryEvent(
        T0.plusMillis(100L * i),
        Duration.ofMillis(i),
        "select " + i,
        List.of("p" + i),
        i,
        blocked ? "" : "SELECT " + i,
        i % 2,
        blocked,
        blocked ? "denied statement DROP" : "",
        "");
  }

  @Test
  void recordsStatementsInOrderWithEveryField() {
    sessions.tunnelOpened("s-1", "g-1", "alice", "db", "T-1", "r", T0);
    try (StatementRecorder recorder = new StatementRecorder(statements)) {
      EngineListener l = recorder.listener("s-1");
      for (int i = 1; i <= 3; i++) {
        l.onEvent(event(i, i == 2));
      }
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> statements.statements("s-1", 100).size() == 3);
    }
    List<SessionStatement> got = statements.statements("s-1", 100);
    assertThat(got).extracting(SessionStatement::seq).containsExactly(1, 2, 3);
    SessionStatement first = got.get(0);
    assertThat(first.startedAt()).isEqualTo(T0.plusMillis(100));
    assertThat(first.durationMicros()).isEqualTo(1000);
    assertThat(first.sql()).isEqualTo("select 1");
    assertThat(first.parameters()).containsExactly("p1");
    assertThat(first.rows()).isEqualTo(1);
    assertThat(first.commandTag()).isEqualTo("SELECT 1");
    assertThat(first.maskedFields()).isEqualTo(1);
    assertThat(got.get(1).blocked()).isTrue();
    assertThat(got.get(1).blockedBy()).isEqualTo("denied statement DROP");

    SessionSummary s = statements.find("s-1").orElseThrow();
    assertThat(s.statements()).isEqualTo(3);
    assertThat(s.blocked()).isEqualTo(1);
    assertThat(s.dropped()).isZero();
  }

  @Test
  void aFullQueueDropsWithoutBlockingAndCountsTheDrops() throws Exception {
    sessions.tunnelOpened("s-2", "g-2", "alice", "db", "T-2", "r", T0);
    try (StatementRecorder recorder = new StatementRecorder(statements, 2, false)) {
      EngineListener l = recorder.listener("s-2");
      long start = System.nanoTime();
      for (int i = 1; i <= 5; i++) {
        l.onEvent(event(i, false));
      }
      // Five offers to a full queue must not wait for the (stopped) writer.
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
      assertThat(recorder.dropped()).isEqualTo(3);
      recorder.start();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> statements.find("s-2").orElseThrow().dropped() == 3);
    }
    assertThat(statements.statements("s-2", 100))
        .extracting(SessionStatement::seq)
        .containsExactly(1, 2);
  }

  @Test
  void listShowsOwnSessionsAndReviewedTargetsUnlessAll() {
    sessions.tunnelOpened("s-a", "g-a", "alice", "db", "T-1", "r", T0);
    sessions.tunnelOpened("s-b", "g-b", "bob", "db", "T-2", "r", T0.plusSeconds(1));
    sessions.tunnelOpened("s-c", "g-c", "bob", "other", "T-1", "r", T0.plusSeconds(2));
    var alice = new StatementStore.Visibility(false, "alice", Set.of());
    var dbReviewer = new StatementStore.Visibility(false, "carol", Set.of("db"));
    var auditor = new StatementStore.Visibility(true, "audrey", Set.of());

    assertThat(statements.list(alice, null, null, null, 10))
        .extracting(SessionSummary::id)
        .containsExactly("s-a");
    assertThat(statements.list(dbReviewer, null, null, null, 10))
        .extracting(SessionSummary::id)
        .containsExactly("s-b", "s-a");
    assertThat(statements.list(auditor, null, null, null, 10))
        .extracting(SessionSummary::id)
        .containsExactly("s-c", "s-b", "s-a");
    assertThat(statements.list(auditor, "T-1", null, null, 10))
        .extracting(SessionSummary::id)
        .containsExactly("s-c", "s-a");
    assertThat(statements.list(auditor, null, "db", "bob", 10))
        .extracting(SessionSummary::id)
        .containsExactly("s-b");
    assertThat(statements.list(auditor, null, null, null, 1)).hasSize(1);
  }

  @Test
  void maskKeyIsCreatedOnceAndKept() throws Exception {
    byte[] first = MaskKey.loadOrCreate(dir);
    byte[] again = MaskKey.loadOrCreate(dir);
    assertThat(first).hasSize(32).isEqualTo(again);
    assertThat(
            java.nio.file.attribute.PosixFilePermissions.toString(
                java.nio.file.Files.getPosixFilePermissions(dir.resolve("keys/mask.key"))))
        .isEqualTo("rw-------");
  }
}
