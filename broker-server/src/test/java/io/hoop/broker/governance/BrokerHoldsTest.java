package io.hoop.broker.governance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hoop.api.AuditEvent;
import io.hoop.api.GrantStatus;
import io.hoop.api.HeldOperation;
import io.hoop.api.HoldStatus;
import io.hoop.broker.store.AuditLog;
import io.hoop.broker.store.GrantStore;
import io.hoop.broker.store.HoldStore;
import io.hoop.broker.store.Store;
import io.hoop.broker.store.StoredGrant;
import io.hoop.tunnel.engine.Holds;
import io.hoop.tunnel.engine.Holds.Decision;
import io.hoop.tunnel.engine.Holds.HoldRequest;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lifecycle of a held operation against a real (H2) store and audit log: recorded before it is
 * reported, decided once, refused by the timeout, a cancel, the end of its grant and the broker's
 * stop, and never recorded when it cannot be reviewed.
 */
class BrokerHoldsTest {
  static final HoldRequest LS = new HoldRequest("exec", "ls -l /etc", "roles.ops.exec.review[0]");

  @TempDir Path dir;
  Store store;
  GrantStore grants;
  HoldStore holdStore;
  AuditLog audit;
  final List<HeldOperation> notified = new CopyOnWriteArrayList<>();
  Duration timeout = Duration.ofMinutes(5);
  boolean reviewers = true;
  BrokerHolds holds;

  @BeforeEach
  void open() {
    store = Store.openEmbedded(dir);
    grants = new GrantStore(store);
    holdStore = new HoldStore(store);
    audit = new AuditLog(store, Clock.systemUTC());
    holds = newHolds();
  }

  BrokerHolds newHolds() {
    return new BrokerHolds(
        holdStore,
        grants,
        audit,
        notified::add,
        target -> timeout,
        g -> reviewers,
        Clock.systemUTC());
  }

  @AfterEach
  void close() {
    holds.close();
    store.close();
  }

  StoredGrant grant(String id, GrantStatus status, Duration left) {
    Instant now = Instant.now();
    StoredGrant g =
        new StoredGrant(
            id,
            "alice",
            "box",
            "ssh",
            "ops",
            "OPS-1",
            null,
            status,
            "approved",
            Duration.ofHours(1),
            now,
            now,
            now.plus(left),
            "bob",
            null,
            List.of("dba"),
            1,
            null);
    grants.insert(g);
    return g;
  }

  static <T> T await(java.util.concurrent.CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  List<String> types(String grantId) {
    return audit.list(0, 10_000, null, null).stream()
        .filter(e -> grantId.equals(e.grantId()))
        .map(AuditEvent::type)
        .toList();
  }

  @Test
  void aHoldIsStoredAndAuditedBeforeItIsReportedAndAnApprovalIsAuditedBeforeTheStageCompletes()
      throws Exception {
    StoredGrant g = grant("g-1", GrantStatus.APPROVED, Duration.ofHours(1));
    Holds.Hold hold = await(holds.forSession(g, "s-1").hold(LS));
    assertThat(hold.id()).matches("h-[0-9a-z]{12}");
    HeldOperation stored = holdStore.find(hold.id()).orElseThrow();
    assertThat(stored.status()).isEqualTo(HoldStatus.PENDING);
    assertThat(stored.sessionId()).isEqualTo("s-1");
    assertThat(stored.grantId()).isEqualTo("g-1");
    assertThat(stored.principal()).isEqualTo("alice");
    assertThat(stored.operation()).isEqualTo("ls -l /etc");
    assertThat(Duration.between(stored.createdAt(), stored.expiresAt())).isEqualTo(timeout);
    assertThat(types("g-1")).containsExactly("hold.requested");
    assertThat(notified).extracting(HeldOperation::id).containsExactly(hold.id());
    assertThat(hold.notice()).contains(hold.id(), "hoop approve " + hold.id(), "5m", "box");
    assertThat(holds.waitingCount()).isEqualTo(1);

    CompletableFuture<List<String>> seenAtDecision =
        hold.decision().toCompletableFuture().thenApply(d -> types("g-1"));
    assertThat(holds.decide(stored, true, "bob", "ok")).isTrue();
    assertThat(await(hold.decision())).isEqualTo(new Decision(true, "bob", ""));
    assertThat(seenAtDecision.get(10, TimeUnit.SECONDS))
        .containsExactly("hold.requested", "hold.approved");
    // Approval covers the operation once: a second decision loses.
    assertThat(holds.decide(stored, true, "carol", null)).isFalse();
    assertThat(holds.decide(stored, false, "carol", "no")).isFalse();
    assertThat(holdStore.find(hold.id()).orElseThrow().decidedBy()).isEqualTo("bob");
    assertThat(holds.waitingCount()).isZero();
  }

  @Test
  void theEngineCannotCompleteTheBrokersStage() throws Exception {
    StoredGrant g = grant("g-1", GrantStatus.APPROVED, Duration.ofHours(1));
    Holds.Hold hold = await(holds.forSession(g, "s-1").hold(LS));
    hold.decision().toCompletableFuture().complete(new Decision(true, "mallory", ""));
    assertThat(hold.decision().toCompletableFuture().isDone()).isFalse();
    assertThat(holdStore.find(hold.id()).orElseThrow().status()).isEqualTo(HoldStatus.PENDING);
  }

  @Test
  void aDenialReachesTheSessionWithTheReviewerAndReason() throws Exception {
    StoredGrant g = grant("g-1", GrantStatus.APPROVED, Duration.ofHours(1));
    Holds.Hold hold = await(holds.forSession(g, "s-1").hold(LS));
    assertThat(holds.decide(holdStore.find(hold.id()).orElseThrow(), false, "bob", "not now"))
        .isTrue();
    assertThat(await(hold.decision()))
        .isEqualTo(new Decision(false, "bob", "denied by bob: not now"));
    assertThat(types("g-1")).containsExactly("hold.requested", "hold.denied");
  }

  @Test
  void nobodyDecidingInTimeExpiresTheHold() throws Exception {
    timeout = Duration.ofMillis(300);
    StoredGrant g = grant("g-1", GrantStatus.APPROVED, Duration.ofHours(1));
    Holds.Hold hold = await(holds.forSession(g, "s-1").hold(LS));
    Decision d = await(hold.decision());
    assertThat(d.approved()).isFalse();
    assertThat(d.by()).isEqualTo("hoop");
    assertThat(d.reason()).isEqualTo("no reviewer decided within 300ms");
    assertThat(holdStore.find(hold.id()).orElseThrow().status()).isEqualTo(HoldStatus.EXPIRED);
    assertThat(types("g-1")).containsExactly("hold.requested", "hold.expired");
    // Too late for a reviewer.
    assertThat(holds.decide(holdStore.find(hold.id()).orElseThrow(), true, "bob", null)).isFalse();
  }

  @Test
  void aHoldNeverOutlivesItsGrant() throws Exception {
    StoredGrant g = grant("g-1", GrantStatus.APPROVED, Duration.ofMillis(800));
    Holds.Hold hold = await(holds.forSession(g, "s-1").hold(LS));
    assertThat(holdStore.find(hold.id()).orElseThrow().expiresAt())
        .isEqualTo(g.expiresAt().truncatedTo(java.time.temporal.ChronoUnit.MICROS));
    Decision d = await(hold.decision());
    assertThat(d.approved()).isFalse();
    assertThat(d.reason()).isEqualTo("grant g-1 expired before a reviewer decided");
  }

  @Test
  void aCancelEndsTheHoldAsCancelledOnce() throws Exception {
    StoredGrant g = grant("g-1", GrantStatus.APPROVED, Duration.ofHours(1));
    Holds.Hold hold = await(holds.forSession(g, "s-1").hold(LS));
    hold.cancel();
    hold.cancel();
    Decision d = await(hold.decision());
    assertThat(d).isEqualTo(new Decision(false, "hoop", "the session stopped waiting"));
    assertThat(holdStore.find(hold.id()).orElseThrow().status()).isEqualTo(HoldStatus.CANCELLED);
    assertThat(types("g-1")).containsExactly("hold.requested", "hold.cancelled");
    assertThat(holds.decide(holdStore.find(hold.id()).orElseThrow(), true, "bob", null)).isFalse();
  }

  @Test
  void theEndOfTheGrantRefusesItsHoldsAndOnlyItsOwn() throws Exception {
    StoredGrant g1 = grant("g-1", GrantStatus.APPROVED, Duration.ofHours(1));
    StoredGrant g2 = grant("g-2", GrantStatus.APPROVED, Duration.ofHours(1));
    Holds.Hold a = await(holds.forSession(g1, "s-1").hold(LS));
    Holds.Hold b = await(holds.forSession(g1, "s-2").hold(LS));
    Holds.Hold other = await(holds.forSession(g2, "s-3").hold(LS));
    holds.grantEnded("g-1", "grant g-1 for box was revoked by bob: done");
    for (Holds.Hold h : List.of(a, b)) {
      assertThat(await(h.decision()))
          .isEqualTo(new Decision(false, "hoop", "grant g-1 for box was revoked by bob: done"));
      assertThat(holdStore.find(h.id()).orElseThrow().status()).isEqualTo(HoldStatus.CANCELLED);
    }
    assertThat(other.decision().toCompletableFuture().isDone()).isFalse();
    assertThat(holds.waitingCount()).isEqualTo(1);
  }

  @Test
  void theBrokersStopFailsWaitingStagesAndCancelsTheirHolds() throws Exception {
    StoredGrant g = grant("g-1", GrantStatus.APPROVED, Duration.ofHours(1));
    Holds.Hold hold = await(holds.forSession(g, "s-1").hold(LS));
    holds.close();
    assertThat(await(hold.decision())).isEqualTo(new Decision(false, "hoop", "the broker stopped"));
    assertThat(holdStore.find(hold.id()).orElseThrow().status()).isEqualTo(HoldStatus.CANCELLED);
    assertThatThrownBy(() -> await(holds.forSession(g, "s-1").hold(LS)))
        .hasMessageContaining("the broker is stopping");
  }

  @Test
  void whatCannotBeReviewedIsRefusedAuditedAndNeverStored() throws Exception {
    StoredGrant g = grant("g-1", GrantStatus.APPROVED, Duration.ofHours(1));
    Holds session = holds.forSession(g, "s-1");
    String megabyte = "rm -rf / ".repeat(120_000);
    assertRefused(session, new HoldRequest("exec", megabyte, "r"), "1080000 characters long");
    assertRefused(session, new HoldRequest("exec", "x".repeat(8193), "r"), "over 8192");
    assertRefused(session, new HoldRequest("exec", "ls\0rm -rf /", "r"), "NUL");
    assertRefused(session, new HoldRequest("exec", "ls \uD800", "r"), "unpaired surrogate");
    assertRefused(session, new HoldRequest("exec", "", "r"), "empty");
    assertRefused(session, new HoldRequest("EXEC\u001b", "ls", "r"), "hold kind");
    assertRefused(session, new HoldRequest("exec", "ls", "r\nfake"), "rule");
    assertThat(holdStore.pending(100)).isEmpty();
    assertThat(notified).isEmpty();
    List<AuditEvent> refused =
        audit.list(0, 1000, null, null).stream()
            .filter(e -> e.type().equals("hold.refused"))
            .toList();
    assertThat(refused).hasSize(7);
    assertThat(refused.get(0).details()).containsEntry("operationLength", 1_080_000);
    assertThat(refused.get(0).details().toString()).doesNotContain("rm -rf");
    // The longest reviewable operation is held.
    assertThat(await(session.hold(new HoldRequest("exec", "y".repeat(8192), "r"))).id())
        .startsWith("h-");
  }

  @Test
  void operationsOfEndedGrantsOrTargetsWithoutReviewersAreRefused() throws Exception {
    StoredGrant revoked = grant("g-r", GrantStatus.REVOKED, Duration.ofHours(1));
    assertRefused(holds.forSession(revoked, "s-1"), LS, "grant g-r is revoked");
    StoredGrant expired = grant("g-x", GrantStatus.APPROVED, Duration.ofMillis(-1));
    assertRefused(holds.forSession(expired, "s-1"), LS, "grant g-x is expired");
    StoredGrant unknown =
        new StoredGrant(
            "g-none",
            "alice",
            "box",
            "ssh",
            null,
            "OPS-1",
            null,
            GrantStatus.APPROVED,
            "",
            Duration.ofHours(1),
            Instant.now(),
            Instant.now(),
            Instant.now().plusSeconds(60),
            null,
            null,
            List.of(),
            0,
            null);
    assertRefused(holds.forSession(unknown, "s-1"), LS, "grant g-none is gone");
    reviewers = false;
    StoredGrant live = grant("g-1", GrantStatus.APPROVED, Duration.ofHours(1));
    assertRefused(holds.forSession(live, "s-1"), LS, "has no reviewers");
    assertThat(holdStore.pending(100)).isEmpty();
  }

  @Test
  void theAuditTrailKeepsABoundedExcerptAndTheHashOfTheWholeOperation() throws Exception {
    StoredGrant g = grant("g-1", GrantStatus.APPROVED, Duration.ofHours(1));
    // The worst case for the audit record: every character escaped, an astral one at the cut.
    String op = "\u001b".repeat(999) + "\uD83D\uDE00" + "\u0007".repeat(8192 - 1001);
    Holds.Hold hold = await(holds.forSession(g, "s-1").hold(new HoldRequest("exec", op, "r")));
    assertThat(holdStore.find(hold.id()).orElseThrow().operation()).isEqualTo(op);
    AuditEvent requested =
        audit.list(0, 1000, null, null).stream()
            .filter(e -> e.type().equals("hold.requested"))
            .findFirst()
            .orElseThrow();
    assertThat(requested.details())
        .containsEntry("operation", op.substring(0, 1001))
        .containsEntry("operationTruncated", true)
        .containsEntry("operationLength", 8192)
        .containsEntry(
            "operationSha256",
            java.util.HexFormat.of()
                .formatHex(
                    java.security.MessageDigest.getInstance("SHA-256")
                        .digest(op.getBytes(java.nio.charset.StandardCharsets.UTF_8))));
    assertThat(BrokerHolds.operationDetails("ls")).doesNotContainKey("operationTruncated");
  }

  @Test
  void aSessionCannotFloodReviewers() throws Exception {
    StoredGrant g = grant("g-1", GrantStatus.APPROVED, Duration.ofHours(1));
    Holds session = holds.forSession(g, "s-1");
    for (int i = 0; i < BrokerHolds.MAX_PENDING_PER_SESSION; i++) {
      await(session.hold(LS));
    }
    assertRefused(session, LS, "already has 8 operations waiting");
    // Another session of the same grant is not held up by it.
    assertThat(await(holds.forSession(g, "s-2").hold(LS)).id()).startsWith("h-");
  }

  static void assertRefused(Holds session, HoldRequest request, String message) {
    assertThatThrownBy(() -> session.hold(request).toCompletableFuture().join())
        .isInstanceOf(CompletionException.class)
        .hasMessageContaining(message);
  }
}
