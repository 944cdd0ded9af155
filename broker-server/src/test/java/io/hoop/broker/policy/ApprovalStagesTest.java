package io.hoop.broker.policy;

import static io.hoop.broker.policy.ApprovalRulesTest.ALICE;
import static io.hoop.broker.policy.ApprovalRulesTest.BOB;
import static io.hoop.broker.policy.ApprovalRulesTest.CAROL;
import static io.hoop.broker.policy.ApprovalRulesTest.T0;
import static io.hoop.broker.policy.ApprovalRulesTest.p;
import static org.assertj.core.api.Assertions.assertThat;

import io.hoop.api.Approval;
import io.hoop.api.Principal;
import io.hoop.broker.config.GovernanceSection.Stage;
import io.hoop.broker.policy.ApprovalRules.Kind;
import io.hoop.broker.policy.ApprovalRules.Verdict;
import io.hoop.broker.store.StoredGrant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Approval stages: order enforced, one person in one stage only, the requester never counts. */
class ApprovalStagesTest {
  static final List<Stage> DBA_THEN_SECURITY =
      List.of(new Stage(List.of("dba"), 1), new Stage(List.of("security"), 1));
  static final Principal SAM = p("sam", "security");
  static final Principal DORA = p("dora", "dba");
  static final StoredGrant G = ApprovalRulesTest.pending(2);

  static Approval at(String who, int stage) {
    return new Approval(who, T0, null, stage);
  }

  static Verdict approve(Principal who, Approval... approvals) {
    return ApprovalRules.approve(G, DBA_THEN_SECURITY, List.of(approvals), who, T0);
  }

  @Test
  void aLaterStageCannotApproveBeforeTheEarlierOneIsComplete() {
    Verdict v = approve(SAM);
    assertThat(v.kind()).isEqualTo(Kind.STAGE_NOT_REACHED);
    assertThat(v.message())
        .isEqualTo(
            "request g-1 is in stage 1 of 2 (dba): 0 of 1 approval; sam approves in a later"
                + " stage, after group dba");
  }

  @Test
  void stagesCompleteInOrder() {
    Verdict first = approve(BOB);
    assertThat(first.kind()).isEqualTo(Kind.COUNTED);
    assertThat(first.complete()).isFalse();
    assertThat(first.message()).isEqualTo("approval 1 of 2 by bob (stage 1)");
    Verdict second = approve(SAM, at("bob", 0));
    assertThat(second.kind()).isEqualTo(Kind.COUNTED);
    assertThat(second.complete()).isTrue();
    assertThat(ApprovalStages.of(DBA_THEN_SECURITY, List.of(at("bob", 0)), "alice").describe())
        .isEqualTo("stage 2 of 2 (security): 0 of 1 approval");
    // A second dba approver once stage 1 is complete belongs to no current stage.
    assertThat(approve(DORA, at("bob", 0)).kind()).isEqualTo(Kind.NOT_A_REVIEWER);
  }

  @Test
  void onePersonCannotSatisfyTwoStages() {
    // carol is in dba and security: she completes stage 1, then cannot approve stage 2.
    assertThat(approve(CAROL).kind()).isEqualTo(Kind.COUNTED);
    Verdict again = approve(CAROL, at("carol", 0));
    assertThat(again.kind()).isEqualTo(Kind.OTHER_STAGE);
    assertThat(again.message())
        .isEqualTo(
            "carol approved request g-1 in stage 1 already; one person cannot approve in two stages");
    assertThat(
            ApprovalStages.of(DBA_THEN_SECURITY, List.of(at("carol", 0), at("carol", 1)), "alice")
                .complete())
        .isFalse();
  }

  @Test
  void theRequesterIsExcludedEvenWhenInTheStageGroups() {
    Principal aliceTheDba = p("alice", "dba", "security");
    assertThat(ApprovalRules.approve(G, DBA_THEN_SECURITY, List.of(), aliceTheDba, T0).kind())
        .isEqualTo(Kind.SELF);
    ApprovalStages s =
        ApprovalStages.of(DBA_THEN_SECURITY, List.of(at("alice", 0), at("alice", 1)), "alice");
    assertThat(s.current()).isZero();
    assertThat(s.people()).isEmpty();
    assertThat(ALICE.name()).isEqualTo("alice");
  }

  @Test
  void aRepeatApprovalInTheSameStageCountsOnce() {
    Verdict v =
        ApprovalRules.approve(
            G,
            List.of(new Stage(List.of("dba"), 2), new Stage(List.of("security"), 1)),
            List.of(at("bob", 0)),
            BOB,
            T0);
    assertThat(v.kind()).isEqualTo(Kind.ALREADY_COUNTED);
  }
}
