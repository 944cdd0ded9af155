package io.hoop.broker.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hoop.api.HeldOperation;
import io.hoop.api.HoldStatus;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Held operations in the store: the exact text round-trips (control characters, astral characters,
 * the 8192-character cap), one decision wins, an expired hold reads as such and cannot be decided;
 * run against each store by a subclass ({@code H2HoldStoreTest}, {@code PostgresHoldStoreIT}).
 */
public abstract class HoldStoreSuite {
  static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

  /** Opens the store of the current test: empty on the first call, the same data after. */
  protected abstract Store openStore();

  /** A pending hold made at T0 that expires 5 minutes later. */
  public static HeldOperation pending(String id, String grant, String principal, String operation) {
    return new HeldOperation(
        id,
        "s-" + id,
        grant,
        principal,
        "box",
        "OPS-1",
        "exec",
        operation,
        "roles.ops.exec.review[0]",
        HoldStatus.PENDING,
        T0,
        T0.plus(Duration.ofMinutes(5)),
        null,
        null,
        null);
  }

  @Test
  public void theExactOperationRoundTripsWithItsControlCharactersAndTheCap() {
    String hostile = "rm -rf /tmp/x\n\u001b[2J\u001b]0;owned\u0007\r\tdone \u202e\uD83D\uDE00 \\";
    String longest = "x".repeat(8192);
    try (Store s = openStore()) {
      HoldStore holds = new HoldStore(s);
      holds.insert(pending("h-1", "g-1", "alice", hostile));
      holds.insert(pending("h-2", "g-1", "alice", longest));
      assertThat(holds.find("h-1")).contains(pending("h-1", "g-1", "alice", hostile));
      assertThat(holds.find("h-2").orElseThrow().operation()).isEqualTo(longest);
      assertThat(holds.find("h-3")).isEmpty();
    }
    // Durable: a new pool on the same data reads it back.
    try (Store s = openStore()) {
      assertThat(new HoldStore(s).find("h-1").orElseThrow().operation()).isEqualTo(hostile);
    }
  }

  @Test
  public void listsPendingOldestFirstByPrincipalNewestFirstAndPerGrant() {
    try (Store s = openStore()) {
      HoldStore holds = new HoldStore(s);
      HeldOperation a = pending("h-a", "g-1", "alice", "one");
      HeldOperation b = withCreated(pending("h-b", "g-2", "bob", "two"), T0.plusSeconds(1));
      HeldOperation c = withCreated(pending("h-c", "g-1", "alice", "three"), T0.plusSeconds(2));
      holds.insert(c);
      holds.insert(a);
      holds.insert(b);
      assertThat(holds.pending(10))
          .extracting(HeldOperation::id)
          .containsExactly("h-a", "h-b", "h-c");
      assertThat(holds.pending(2)).hasSize(2);
      assertThat(holds.byPrincipal("alice", 10))
          .extracting(HeldOperation::id)
          .containsExactly("h-c", "h-a");
      assertThat(holds.pendingOfGrant("g-1"))
          .extracting(HeldOperation::id)
          .containsExactly("h-a", "h-c");
      assertThat(holds.end("h-a", HoldStatus.CANCELLED, "hoop", "gone", T0.plusSeconds(3)))
          .isTrue();
      assertThat(holds.pending(10)).extracting(HeldOperation::id).containsExactly("h-b", "h-c");
      assertThat(holds.pendingOfGrant("g-1")).extracting(HeldOperation::id).containsExactly("h-c");
    }
  }

  @Test
  public void oneDecisionWinsAndIsKept() {
    try (Store s = openStore()) {
      HoldStore holds = new HoldStore(s);
      holds.insert(pending("h-1", "g-1", "alice", "ls"));
      Instant at = T0.plusSeconds(30);
      assertThat(holds.decide("h-1", HoldStatus.APPROVED, "bob", "fine", at)).isTrue();
      assertThat(holds.decide("h-1", HoldStatus.APPROVED, "carol", null, at)).isFalse();
      assertThat(holds.decide("h-1", HoldStatus.DENIED, "carol", "no", at)).isFalse();
      assertThat(holds.end("h-1", HoldStatus.EXPIRED, "hoop", "late", at)).isFalse();
      HeldOperation h = holds.find("h-1").orElseThrow();
      assertThat(h.status()).isEqualTo(HoldStatus.APPROVED);
      assertThat(h.decidedBy()).isEqualTo("bob");
      assertThat(h.decidedAt()).isEqualTo(at);
      assertThat(h.reason()).isEqualTo("fine");
      assertThat(holds.decide("h-unknown", HoldStatus.APPROVED, "bob", null, at)).isFalse();
      assertThatThrownBy(() -> holds.end("h-1", HoldStatus.PENDING, "hoop", null, at))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  public void anExpiredHoldReadsAsExpiredAndCannotBeDecidedButCanBeEnded() {
    try (Store s = openStore()) {
      HoldStore holds = new HoldStore(s);
      holds.insert(pending("h-1", "g-1", "alice", "ls"));
      Instant late = T0.plus(Duration.ofMinutes(5));
      HeldOperation stored = holds.find("h-1").orElseThrow();
      assertThat(HoldStore.effective(stored, late.minusMillis(1)).status())
          .isEqualTo(HoldStatus.PENDING);
      HeldOperation expired = HoldStore.effective(stored, late);
      assertThat(expired.status()).isEqualTo(HoldStatus.EXPIRED);
      assertThat(expired.decidedBy()).isEqualTo("hoop");
      assertThat(holds.decide("h-1", HoldStatus.APPROVED, "bob", null, late)).isFalse();
      assertThat(holds.decide("h-1", HoldStatus.DENIED, "bob", "x", late)).isFalse();
      assertThat(holds.end("h-1", HoldStatus.EXPIRED, "hoop", "no reviewer", late)).isTrue();
      assertThat(holds.find("h-1").orElseThrow().status()).isEqualTo(HoldStatus.EXPIRED);
    }
  }

  private static HeldOperation withCreated(HeldOperation h, Instant created) {
    return new HeldOperation(
        h.id(),
        h.sessionId(),
        h.grantId(),
        h.principal(),
        h.target(),
        h.task(),
        h.kind(),
        h.operation(),
        h.rule(),
        h.status(),
        created,
        h.expiresAt(),
        h.decidedBy(),
        h.decidedAt(),
        h.reason());
  }
}
