package io.hoop.broker.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoop.api.AuditEvent;
import io.hoop.api.GrantStatus;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Approvals committed without their audit record (a broker killed in between) are recorded. */
class DecisionRecoveryTest {
  @TempDir Path dir;

  private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
  private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);

  private static StoredGrant grant(String id, GrantStatus status, Instant approvedAt) {
    return new StoredGrant(
        id,
        "alice",
        "prod-db",
        "tcp",
        null,
        "OPS-1",
        "why",
        status,
        status == GrantStatus.APPROVED ? "approved by bob" : null,
        Duration.ofHours(1),
        NOW.minus(5, ChronoUnit.MINUTES),
        approvedAt,
        approvedAt == null ? null : approvedAt.plus(Duration.ofHours(1)),
        null,
        null,
        List.of("dba"),
        1,
        null);
  }

  @Test
  void anApprovalWithoutItsRecordIsRecordedOnceAndTheRestAreLeftAlone() {
    try (Store store = Store.openEmbedded(dir)) {
      GrantStore grants = new GrantStore(store);
      AuditLog audit = new AuditLog(store, clock);
      Instant approvedAt = NOW.minusSeconds(30);
      grants.insert(grant("g-recorded", GrantStatus.APPROVED, approvedAt));
      audit.append("grant.approved", "alice", "prod-db", "g-recorded", "OPS-1", Map.of());
      grants.insert(grant("g-glass", GrantStatus.APPROVED, approvedAt));
      audit.append("grant.break_glass", "alice", "prod-db", "g-glass", "OPS-1", Map.of());
      grants.insert(grant("g-pending", GrantStatus.PENDING, null));
      // Committed, then the broker died before the record.
      grants.insert(grant("g-lost", GrantStatus.APPROVED, approvedAt));

      assertThat(DecisionRecovery.recover(store, audit)).isEqualTo(1);
      List<AuditEvent> events = audit.list(0, 100, null, null);
      AuditEvent last = events.get(events.size() - 1);
      assertThat(last.type()).isEqualTo("grant.approved");
      assertThat(last.grantId()).isEqualTo("g-lost");
      assertThat(last.principal()).isEqualTo("alice");
      assertThat(last.details())
          .containsEntry("decision", "approved by bob")
          .containsKey("recovered")
          .containsEntry("approvedAt", approvedAt.toString());

      // A second start finds nothing left to record.
      assertThat(DecisionRecovery.recover(store, new AuditLog(store, clock))).isZero();
    }
  }

  @Test
  void anEmptyStoreHasNothingToRecover() {
    try (Store store = Store.openEmbedded(dir)) {
      assertThat(DecisionRecovery.recover(store, new AuditLog(store, clock))).isZero();
    }
  }
}
