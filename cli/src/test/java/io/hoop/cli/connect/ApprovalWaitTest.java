package io.hoop.cli.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hoop.api.Approval;
import io.hoop.api.Grant;
import io.hoop.api.GrantStatus;
import io.hoop.cli.ExitCodes;
import io.hoop.cli.HoopException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;

class ApprovalWaitTest {
  private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

  /** A clock the fake sleeper moves forward. */
  static final class SteppingClock extends Clock {
    Instant now = T0;

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  static Grant grant(
      GrantStatus status,
      String decidedBy,
      String reason,
      Instant approvedAt,
      String... approvers) {
    List<Approval> approvals = new ArrayList<>();
    for (String a : approvers) {
      approvals.add(new Approval(a, T0, a.equals("carol") ? "ok" : null, 0));
    }
    return new Grant(
        "g-1",
        "prod-db",
        "postgres",
        null,
        "alice",
        "T-1",
        "fix",
        status,
        reason,
        T0,
        approvedAt,
        approvedAt == null ? null : approvedAt.plusSeconds(1800),
        status == GrantStatus.APPROVED ? "grant-token" : null,
        decidedBy,
        approvals,
        2,
        List.of("reviewers"));
  }

  private final SteppingClock clock = new SteppingClock();
  private final List<Duration> sleeps = new ArrayList<>();
  private final List<String> events = new ArrayList<>();
  private final Deque<Grant> answers = new ArrayDeque<>();
  private final List<String> fetched = new ArrayList<>();
  private boolean stop;

  private ApprovalWait waiter() {
    return new ApprovalWait(
        id -> {
          fetched.add(id);
          return answers.isEmpty() ? grant(GrantStatus.PENDING, null, null, null) : answers.pop();
        },
        clock,
        d -> {
          sleeps.add(d);
          clock.now = clock.now.plus(d);
        },
        new ApprovalWait.Listener() {
          @Override
          public void waiting(Grant latest, Duration elapsed) {
            events.add("waiting " + latest.approvals().size() + " " + elapsed.toSeconds() + "s");
          }

          @Override
          public void approvedBy(Approval approval, Grant latest) {
            events.add("approved by " + approval.approver());
          }
        });
  }

  @Test
  void pollsEveryTwoSecondsAnnouncesEachNewApproverOnceAndReturnsTheApprovedGrant()
      throws Exception {
    answers.add(grant(GrantStatus.PENDING, null, null, null));
    answers.add(grant(GrantStatus.PENDING, null, null, null, "bob"));
    answers.add(grant(GrantStatus.PENDING, null, null, null, "bob", "bob"));
    answers.add(grant(GrantStatus.APPROVED, "carol", "2 approvals", T0, "bob", "bob", "carol"));
    Grant approved = waiter().await(grant(GrantStatus.PENDING, null, null, null), () -> stop);
    assertThat(approved.token()).isEqualTo("grant-token");
    assertThat(sleeps).hasSize(4).containsOnly(Duration.ofSeconds(2));
    assertThat(fetched).containsOnly("g-1").hasSize(4);
    assertThat(events)
        .containsExactly(
            "waiting 0 0s",
            "waiting 0 2s",
            "approved by bob",
            "waiting 1 4s",
            "waiting 2 6s",
            "approved by carol");
  }

  @Test
  void approversAlreadyShownWhenResumingAreNotAnnouncedAgain() throws Exception {
    answers.add(grant(GrantStatus.APPROVED, "carol", null, T0, "bob", "carol"));
    waiter().await(grant(GrantStatus.PENDING, null, null, null, "bob"), () -> stop);
    assertThat(events).containsExactly("waiting 1 0s", "approved by carol");
  }

  @Test
  void ctrlCStopsWaitingWithExit4AndSaysHowToResume() {
    ApprovalWait waiter =
        new ApprovalWait(
            id -> {
              throw new AssertionError("no poll after Ctrl-C");
            },
            clock,
            d -> stop = true,
            new ApprovalWait.Listener() {
              @Override
              public void waiting(Grant latest, Duration elapsed) {}

              @Override
              public void approvedBy(Approval approval, Grant latest) {}
            });
    assertThatThrownBy(() -> waiter.await(grant(GrantStatus.PENDING, null, null, null), () -> stop))
        .isInstanceOf(HoopException.Pending.class)
        .hasMessage("request g-1 still pending; resume with hoop connect --request g-1")
        .satisfies(e -> assertThat(ExitCodes.of(e)).isEqualTo(4));
  }

  @Test
  void deniedByAReviewerExits3WithWhoAndWhy() {
    answers.add(grant(GrantStatus.DENIED, "bob", "use the replica", null));
    assertThatThrownBy(
            () -> waiter().await(grant(GrantStatus.PENDING, null, null, null), () -> stop))
        .isInstanceOf(HoopException.Denied.class)
        .hasMessage("request g-1 for prod-db denied by bob: use the replica");
  }

  @Test
  void aRequestNobodyApprovedInTimeExits4AsTimedOut() {
    answers.add(grant(GrantStatus.EXPIRED, null, "pending timeout", null));
    assertThatThrownBy(
            () -> waiter().await(grant(GrantStatus.PENDING, null, null, null), () -> stop))
        .isInstanceOf(HoopException.Pending.class)
        .hasMessageContaining("request g-1 for prod-db timed out");
  }

  @Test
  void revokedOrExpiredAfterApprovalExits5() {
    answers.add(grant(GrantStatus.REVOKED, "bob", "incident over", T0));
    assertThatThrownBy(
            () -> waiter().await(grant(GrantStatus.PENDING, null, null, null), () -> stop))
        .isInstanceOf(HoopException.GrantEnded.class)
        .hasMessage("grant g-1 for prod-db was revoked by bob: incident over");
    assertThatThrownBy(() -> ApprovalWait.requireUsable(grant(GrantStatus.EXPIRED, null, null, T0)))
        .isInstanceOf(HoopException.GrantEnded.class)
        .hasMessage("grant g-1 for prod-db already expired");
  }

  @Test
  void anAlreadyApprovedGrantReturnsWithoutPolling() throws Exception {
    Grant approved = grant(GrantStatus.APPROVED, null, null, T0);
    assertThat(waiter().await(approved, () -> stop)).isSameAs(approved);
    assertThat(sleeps).isEmpty();
    assertThat(fetched).isEmpty();
  }
}
