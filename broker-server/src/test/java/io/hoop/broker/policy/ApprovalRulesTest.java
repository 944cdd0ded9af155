package io.hoop.broker.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoop.api.Approval;
import io.hoop.api.GrantStatus;
import io.hoop.api.Principal;
import io.hoop.broker.policy.ApprovalRules.Kind;
import io.hoop.broker.policy.ApprovalRules.Verdict;
import io.hoop.broker.store.StoredGrant;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ApprovalRulesTest {
  static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
  static final Principal ALICE = p("alice", "eng");
  static final Principal BOB = p("bob", "dba");
  static final Principal CAROL = p("carol", "dba", "security");
  static final Principal DAVE = p("dave", "eng");

  static Principal p(String name, String... groups) {
    return new Principal(name, null, List.of(groups), "oidc-device");
  }

  static StoredGrant pending(int required) {
    return grant(GrantStatus.PENDING, required, null);
  }

  static StoredGrant grant(GrantStatus status, int required, Instant expiresAt) {
    return new StoredGrant(
        "g-1",
        "alice",
        "db",
        "tcp",
        null,
        "OPS-1",
        null,
        status,
        "",
        Duration.ofMinutes(30),
        T0,
        expiresAt == null ? null : T0,
        expiresAt,
        null,
        null,
        List.of("dba", "security"),
        required,
        T0.plus(Duration.ofHours(1)));
  }

  static Approval by(String who) {
    return new Approval(who, T0, null, 0);
  }

  @Test
  void requesterNeverApprovesTheirOwnRequest() {
    Principal aliceTheReviewer = p("alice", "dba");
    StoredGrant g = pending(1);
    Verdict v = ApprovalRules.approve(g, List.of(), aliceTheReviewer, T0);
    assertThat(v.kind()).isEqualTo(Kind.SELF);
    assertThat(v.refused()).isTrue();
    assertThat(v.message()).isEqualTo("you cannot approve your own request");
    assertThat(ApprovalRules.deny(g, aliceTheReviewer, T0).kind()).isEqualTo(Kind.SELF);
  }

  @Test
  void approverOutsideReviewerGroupsIsRefusedNamingTheGroups() {
    Verdict v = ApprovalRules.approve(pending(1), List.of(), DAVE, T0);
    assertThat(v.kind()).isEqualTo(Kind.NOT_A_REVIEWER);
    assertThat(v.message()).contains("dave").contains("group dba or security");
    assertThat(ApprovalRules.deny(pending(1), DAVE, T0).kind()).isEqualTo(Kind.NOT_A_REVIEWER);
  }

  @Test
  void onePersonInTwoReviewerGroupsCountsOnce() {
    Verdict first = ApprovalRules.approve(pending(2), List.of(), CAROL, T0);
    assertThat(first.kind()).isEqualTo(Kind.COUNTED);
    assertThat(first.approvers()).isEqualTo(1);
    assertThat(first.complete()).isFalse();
    Verdict again = ApprovalRules.approve(pending(2), List.of(by("carol")), CAROL, T0);
    assertThat(again.kind()).isEqualTo(Kind.ALREADY_COUNTED);
    assertThat(again.refused()).isFalse();
    assertThat(again.approvers()).isEqualTo(1);
    assertThat(again.complete()).isFalse();
  }

  @Test
  void quorumIsReachedByDistinctPeopleAtGreaterOrEqual() {
    assertThat(ApprovalRules.approve(pending(1), List.of(), BOB, T0).complete()).isTrue();
    Verdict second = ApprovalRules.approve(pending(2), List.of(by("carol")), BOB, T0);
    assertThat(second.kind()).isEqualTo(Kind.COUNTED);
    assertThat(second.approvers()).isEqualTo(2);
    assertThat(second.complete()).isTrue();
    // Duplicate rows of one person (however they got there) still count once.
    Verdict dup = ApprovalRules.approve(pending(2), List.of(by("carol"), by("carol")), CAROL, T0);
    assertThat(dup.complete()).isFalse();
    // More approvers than required is still complete (>=, not ==).
    Principal erin = p("erin", "security");
    assertThat(
            ApprovalRules.approve(pending(2), List.of(by("carol"), by("bob")), erin, T0).complete())
        .isTrue();
  }

  @Test
  void theRequestersOwnApprovalRowsNeverCount() {
    assertThat(ApprovalRules.distinct(List.of(by("alice"), by("bob"), by("bob")), "alice"))
        .containsExactly("bob");
  }

  @Test
  void pendingRequestPastItsTimeoutIsRefusedWithAClearMessage() {
    Instant late = T0.plus(Duration.ofHours(1));
    Verdict v = ApprovalRules.approve(pending(1), List.of(), BOB, late);
    assertThat(v.kind()).isEqualTo(Kind.TIMED_OUT);
    assertThat(v.message()).contains("g-1").contains("timed out").contains("ask again");
    assertThat(ApprovalRules.deny(pending(1), BOB, late).kind()).isEqualTo(Kind.TIMED_OUT);
    assertThat(pending(1).effectiveStatus(late)).isEqualTo(GrantStatus.EXPIRED);
    assertThat(pending(1).effectiveStatus(late.minusMillis(1))).isEqualTo(GrantStatus.PENDING);
    assertThat(ApprovalRules.approve(pending(1), List.of(), BOB, late.minusMillis(1)).kind())
        .isEqualTo(Kind.COUNTED);
  }

  @Test
  void decidedGrantsCannotBeApprovedOrDenied() {
    for (GrantStatus s : List.of(GrantStatus.DENIED, GrantStatus.REVOKED)) {
      StoredGrant g = grant(s, 1, null);
      assertThat(ApprovalRules.approve(g, List.of(), BOB, T0).kind()).isEqualTo(Kind.WRONG_STATE);
      assertThat(ApprovalRules.deny(g, BOB, T0).message()).contains("not pending");
    }
    StoredGrant approved = grant(GrantStatus.APPROVED, 1, T0.plus(Duration.ofMinutes(30)));
    assertThat(ApprovalRules.approve(approved, List.of(), BOB, T0).kind())
        .isEqualTo(Kind.WRONG_STATE);
  }

  @Test
  void expiryStartsAtApprovalNotAtRequest() {
    Instant approvedAt = T0.plus(Duration.ofMinutes(20));
    assertThat(ApprovalRules.expiresAt(approvedAt, Duration.ofMinutes(30)))
        .isEqualTo(T0.plus(Duration.ofMinutes(50)));
  }

  @Test
  void requesterOrReviewerMayRevokeLiveGrantsOnly() {
    StoredGrant approved = grant(GrantStatus.APPROVED, 0, T0.plus(Duration.ofMinutes(30)));
    List<String> reviewers = List.of("dba");
    assertThat(ApprovalRules.revoke(approved, reviewers, ALICE, T0).kind()).isEqualTo(Kind.ALLOWED);
    assertThat(ApprovalRules.revoke(approved, reviewers, BOB, T0).kind()).isEqualTo(Kind.ALLOWED);
    Verdict stranger = ApprovalRules.revoke(approved, reviewers, DAVE, T0);
    assertThat(stranger.kind()).isEqualTo(Kind.NOT_A_REVIEWER);
    assertThat(stranger.message()).contains("requester").contains("dba");
    assertThat(ApprovalRules.revoke(pending(1), reviewers, ALICE, T0).kind())
        .isEqualTo(Kind.ALLOWED);
    Verdict expired =
        ApprovalRules.revoke(approved, reviewers, BOB, T0.plus(Duration.ofMinutes(30)));
    assertThat(expired.kind()).isEqualTo(Kind.WRONG_STATE);
    assertThat(expired.message()).contains("expired");
    assertThat(ApprovalRules.revoke(grant(GrantStatus.DENIED, 1, null), reviewers, BOB, T0).kind())
        .isEqualTo(Kind.WRONG_STATE);
  }
}
