package io.hoop.broker.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoop.api.Principal;
import io.hoop.broker.config.GovernanceSection;
import io.hoop.broker.config.TargetConfig;
import io.hoop.broker.config.TargetConfig.OnNoEntitlement;
import io.hoop.broker.store.StoredEntitlement;
import io.hoop.tunnel.engine.TargetSection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GrantPolicyTest {
  static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
  static final Principal ALICE = new Principal("alice", null, List.of("eng"), "oidc-device");

  static TargetConfig target(List<String> reviewers, OnNoEntitlement none) {
    return new TargetConfig(
        "db",
        "postgres",
        "h",
        5432,
        "",
        Duration.ofHours(2),
        Duration.ofHours(1),
        reviewers,
        2,
        none,
        Duration.ofHours(1),
        TargetConfig.DEFAULT_TASK_PATTERN,
        false,
        GovernanceSection.TargetRules.DEFAULTS,
        TargetSection.relay("tcp"));
  }

  static StoredEntitlement group(String g, Duration max, Instant reviewExpiresAt) {
    return new StoredEntitlement(
        StoredEntitlement.idFor(null, g, "db"),
        null,
        g,
        "db",
        max,
        StoredEntitlement.ACTIVE,
        reviewExpiresAt == null ? null : "carol",
        reviewExpiresAt == null ? null : NOW.minus(Duration.ofDays(1)),
        reviewExpiresAt,
        null);
  }

  static Decision decide(TargetConfig t, List<StoredEntitlement> es, Duration requested) {
    return GrantPolicy.decide(ALICE, t, es, requested, NOW);
  }

  @Test
  void currentReviewGrantsAtOnce() {
    StoredEntitlement e = group("eng", Duration.ofHours(8), NOW.plusSeconds(1));
    Decision d = decide(target(List.of("dba"), OnNoEntitlement.DENY), List.of(e), Duration.ZERO);
    assertThat(d.outcome()).isEqualTo(Decision.Outcome.APPROVED);
    assertThat(d.duration()).isEqualTo(Duration.ofHours(1));
    assertThat(d.entitlementId()).isEqualTo(e.id());
    assertThat(d.reviewers()).isEmpty();
    assertThat(d.approvalsRequired()).isZero();
    assertThat(d.reason()).contains(e.id()).contains("group eng");
  }

  @Test
  void reviewEndingExactlyNowIsStaleAndGoesToReviewers() {
    StoredEntitlement e = group("eng", Duration.ofHours(8), NOW);
    Decision d = decide(target(List.of("dba"), OnNoEntitlement.DENY), List.of(e), Duration.ZERO);
    assertThat(d.outcome()).isEqualTo(Decision.Outcome.PENDING);
    assertThat(d.reviewers()).containsExactly("dba");
    assertThat(d.approvalsRequired()).isEqualTo(2);
    assertThat(d.entitlementId()).isEqualTo(e.id());
    assertThat(d.reason()).contains("review expire").contains("needs 2 approvals from dba");
  }

  @Test
  void neverReviewedIsStale() {
    StoredEntitlement e = group("eng", Duration.ofHours(8), null);
    Decision d = decide(target(List.of("dba"), OnNoEntitlement.DENY), List.of(e), Duration.ZERO);
    assertThat(d.outcome()).isEqualTo(Decision.Outcome.PENDING);
    assertThat(d.reason()).contains("never been reviewed");
  }

  @Test
  void staleReviewOnATargetWithoutReviewersGrantsAtOnce() {
    StoredEntitlement e = group("eng", Duration.ofHours(8), null);
    Decision d = decide(target(List.of(), OnNoEntitlement.DENY), List.of(e), Duration.ZERO);
    assertThat(d.outcome()).isEqualTo(Decision.Outcome.APPROVED);
    assertThat(d.reason()).contains("no reviewers");
  }

  @Test
  void aCurrentEntitlementWinsOverAMoreGenerousStaleOne() {
    StoredEntitlement current = group("eng", Duration.ofMinutes(10), NOW.plusSeconds(60));
    StoredEntitlement stale =
        new StoredEntitlement(
            StoredEntitlement.idFor("alice", null, "db"),
            "alice",
            null,
            "db",
            Duration.ofHours(8),
            StoredEntitlement.ACTIVE,
            null,
            null,
            null,
            null);
    Decision d =
        decide(
            target(List.of("dba"), OnNoEntitlement.DENY),
            List.of(stale, current),
            Duration.ofHours(1));
    assertThat(d.outcome()).isEqualTo(Decision.Outcome.APPROVED);
    assertThat(d.entitlementId()).isEqualTo(current.id());
    assertThat(d.duration()).isEqualTo(Duration.ofMinutes(10));
    assertThat(d.reason()).contains("capped at 10m");
  }

  @Test
  void revokedEntitlementCountsAsNone() {
    StoredEntitlement e = group("eng", Duration.ofHours(8), NOW.plusSeconds(60));
    StoredEntitlement revoked =
        new StoredEntitlement(
            e.id(),
            null,
            "eng",
            "db",
            e.maxDuration(),
            StoredEntitlement.REVOKED,
            "carol",
            NOW,
            e.reviewExpiresAt(),
            null);
    assertThat(
            decide(target(List.of("dba"), OnNoEntitlement.DENY), List.of(revoked), Duration.ZERO)
                .outcome())
        .isEqualTo(Decision.Outcome.DENIED);
  }

  @Test
  void entitlementsOfOtherGroupsPrincipalsAndTargetsDoNotApply() {
    StoredEntitlement otherGroup = group("ops", Duration.ofHours(8), NOW.plusSeconds(60));
    StoredEntitlement otherPrincipal =
        new StoredEntitlement(
            "e-x",
            "bob",
            null,
            "db",
            Duration.ofHours(8),
            StoredEntitlement.ACTIVE,
            "c",
            NOW,
            NOW.plusSeconds(60),
            null);
    StoredEntitlement otherTarget =
        new StoredEntitlement(
            "e-y",
            null,
            "eng",
            "cache",
            Duration.ofHours(8),
            StoredEntitlement.ACTIVE,
            "c",
            NOW,
            NOW.plusSeconds(60),
            null);
    Decision d =
        decide(
            target(List.of("dba"), OnNoEntitlement.DENY),
            List.of(otherGroup, otherPrincipal, otherTarget),
            Duration.ZERO);
    assertThat(d.outcome()).isEqualTo(Decision.Outcome.DENIED);
    assertThat(d.reason()).contains("alice (groups eng)").contains("db");
    assertThat(d.duration()).isZero();
  }

  @Test
  void noEntitlementGoesToReviewersWhenTheTargetSaysSo() {
    Decision d =
        decide(target(List.of("dba"), OnNoEntitlement.REVIEW), List.of(), Duration.ofHours(5));
    assertThat(d.outcome()).isEqualTo(Decision.Outcome.PENDING);
    assertThat(d.entitlementId()).isNull();
    assertThat(d.duration()).isEqualTo(Duration.ofHours(2));
    assertThat(d.reason()).contains("no entitlement").contains("capped at 2h");
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 59, 3600, 7200, 7201, 86400})
  void grantedDurationNeverExceedsTargetOrEntitlement(long seconds) {
    StoredEntitlement e = group("eng", Duration.ofMinutes(90), NOW.plusSeconds(60));
    Decision d =
        decide(
            target(List.of("dba"), OnNoEntitlement.DENY), List.of(e), Duration.ofSeconds(seconds));
    assertThat(d.duration())
        .isEqualTo(Duration.ofSeconds(Math.min(seconds, Duration.ofMinutes(90).getSeconds())));
  }

  @Test
  void taskRuleNamesThePatternAndRefusesControlCharacters() {
    TargetConfig t =
        new TargetConfig(
            "db",
            "tcp",
            "h",
            1,
            "",
            Duration.ofHours(1),
            Duration.ofHours(1),
            List.of(),
            1,
            OnNoEntitlement.DENY,
            Duration.ofHours(1),
            "^[A-Z][A-Z0-9]+-[0-9]+$",
            false,
            GovernanceSection.TargetRules.DEFAULTS,
            TargetSection.relay("tcp"));
    assertThat(TaskRule.check(t, "OPS-12")).isEmpty();
    assertThat(TaskRule.check(t, "ops-12"))
        .hasValue("task id does not match the task pattern of target db: ^[A-Z][A-Z0-9]+-[0-9]+$");
    assertThat(TaskRule.check(t, "OPS-12\n")).isPresent();
    TargetConfig anything =
        new TargetConfig(
            "db",
            "tcp",
            "h",
            1,
            "",
            Duration.ofHours(1),
            Duration.ofHours(1),
            List.of(),
            1,
            OnNoEntitlement.DENY,
            Duration.ofHours(1),
            "(?s).*",
            false,
            GovernanceSection.TargetRules.DEFAULTS,
            TargetSection.relay("tcp"));
    assertThat(TaskRule.check(anything, "a\u001bb")).isPresent();
    assertThat(TaskRule.check(anything, "a b")).isEmpty();
  }
}
