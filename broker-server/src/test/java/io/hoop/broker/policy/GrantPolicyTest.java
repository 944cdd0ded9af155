package io.hoop.broker.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoop.api.Principal;
import io.hoop.broker.config.EntitlementConfig;
import io.hoop.broker.config.TargetConfig;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class GrantPolicyTest {
  private static final TargetConfig DB =
      new TargetConfig(
          "prod-db", "postgres", "db", 5432, "", Duration.ofHours(4), Duration.ofHours(1));
  private static final Principal ALICE =
      new Principal("alice", "a@x", List.of("engineering"), "oidc-device");
  private static final Principal BOB = new Principal("bob", "b@x", List.of("reviewers"), "oidc");

  private static EntitlementConfig group(String g, String target, Duration max) {
    return new EntitlementConfig(Optional.empty(), Optional.of(g), List.of(target), max);
  }

  @Test
  void entitledGroupIsApprovedWithTheTargetDefault() {
    GrantDecision d =
        GrantPolicy.decide(
            ALICE,
            DB,
            List.of(group("engineering", "prod-db", Duration.ofHours(2))),
            Duration.ZERO);
    assertThat(d.approved()).isTrue();
    assertThat(d.duration()).isEqualTo(Duration.ofHours(1));
    assertThat(d.reason()).contains("group engineering");
  }

  @Test
  void requestIsCappedByTheEntitlementAndSaysSo() {
    GrantDecision d =
        GrantPolicy.decide(
            ALICE,
            DB,
            List.of(group("engineering", "prod-db", Duration.ofMinutes(30))),
            Duration.ofHours(3));
    assertThat(d.duration()).isEqualTo(Duration.ofMinutes(30));
    assertThat(d.reason()).contains("capped at 30m (requested 3h)");
  }

  @Test
  void requestIsCappedByTheTarget() {
    GrantDecision d =
        GrantPolicy.decide(
            ALICE,
            DB,
            List.of(group("engineering", "prod-db", Duration.ofDays(1))),
            Duration.ofHours(10));
    assertThat(d.duration()).isEqualTo(Duration.ofHours(4));
  }

  @Test
  void mostGenerousApplicableEntitlementWins() {
    EntitlementConfig personal =
        new EntitlementConfig(
            Optional.of("alice"), Optional.empty(), List.of("prod-db"), Duration.ofHours(3));
    GrantDecision d =
        GrantPolicy.decide(
            ALICE,
            DB,
            List.of(group("engineering", "prod-db", Duration.ofMinutes(10)), personal),
            Duration.ofHours(2));
    assertThat(d.duration()).isEqualTo(Duration.ofHours(2));
    assertThat(d.reason()).contains("principal alice");
  }

  @Test
  void noEntitlementIsDeniedWithWhoAndWhat() {
    GrantDecision d =
        GrantPolicy.decide(
            BOB, DB, List.of(group("engineering", "prod-db", Duration.ofHours(1))), Duration.ZERO);
    assertThat(d.approved()).isFalse();
    assertThat(d.duration()).isZero();
    assertThat(d.reason())
        .isEqualTo("no entitlement covers bob (groups reviewers) on target prod-db");
  }

  @Test
  void entitlementForAnotherTargetDoesNotApply() {
    GrantDecision d =
        GrantPolicy.decide(
            ALICE, DB, List.of(group("engineering", "cache", Duration.ofHours(1))), Duration.ZERO);
    assertThat(d.approved()).isFalse();
  }
}
