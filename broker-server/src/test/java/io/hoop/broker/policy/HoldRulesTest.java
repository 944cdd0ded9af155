package io.hoop.broker.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoop.api.GrantStatus;
import io.hoop.api.HeldOperation;
import io.hoop.api.HoldStatus;
import io.hoop.broker.policy.HoldRules.Kind;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class HoldRulesTest {
  static final Instant T = Instant.parse("2026-03-01T10:00:00Z");

  static HeldOperation hold(HoldStatus status) {
    return new HeldOperation(
        "h-1",
        "s-1",
        "g-1",
        "alice",
        "box",
        "OPS-1",
        "exec",
        "ls",
        "r",
        status,
        T,
        T.plusSeconds(300),
        status == HoldStatus.PENDING ? null : "bob",
        null,
        null);
  }

  @Test
  void theHolderNeverDecidesEvenAsAReviewerAndWhateverTheState() {
    for (HoldStatus s : HoldStatus.values()) {
      assertThat(HoldRules.decide(hold(s), "alice", true, GrantStatus.APPROVED).kind())
          .isEqualTo(Kind.SELF);
    }
  }

  @Test
  void onlyReviewersDecide() {
    HoldRules.Verdict v =
        HoldRules.decide(hold(HoldStatus.PENDING), "eve", false, GrantStatus.APPROVED);
    assertThat(v.kind()).isEqualTo(Kind.NOT_A_REVIEWER);
    assertThat(v.message()).contains("eve is not a reviewer of box");
    assertThat(
            HoldRules.decide(hold(HoldStatus.PENDING), "bob", true, GrantStatus.APPROVED).refused())
        .isFalse();
  }

  @ParameterizedTest
  @EnumSource(value = HoldStatus.class, names = "PENDING", mode = EnumSource.Mode.EXCLUDE)
  void oneDecisionPerHold(HoldStatus status) {
    HoldRules.Verdict v = HoldRules.decide(hold(status), "bob", true, GrantStatus.APPROVED);
    assertThat(v.kind()).isEqualTo(Kind.NOT_PENDING);
    assertThat(v.message()).contains("is " + status.name().toLowerCase(java.util.Locale.ROOT));
  }

  @ParameterizedTest
  @EnumSource(value = GrantStatus.class, names = "APPROVED", mode = EnumSource.Mode.EXCLUDE)
  void aHoldOfAGrantThatEndedCannotBeDecided(GrantStatus grant) {
    assertThat(HoldRules.decide(hold(HoldStatus.PENDING), "bob", true, grant).kind())
        .isEqualTo(Kind.GRANT_ENDED);
    assertThat(HoldRules.decide(hold(HoldStatus.PENDING), "bob", true, null).message())
        .contains("is gone");
  }

  @Test
  void requestsAreCheckedBeforeAnythingIsStored() {
    assertThat(HoldRules.checkRequest("exec", "ls -l", "roles.ops.exec.review[0]")).isNull();
    assertThat(HoldRules.checkRequest("sql", "x".repeat(HoldRules.MAX_OPERATION), "r")).isNull();
    assertThat(HoldRules.checkRequest("sql", "\uD83D\uDE00 \u001b[2J\n", "r")).isNull();
    assertThat(HoldRules.checkRequest("sql", "x".repeat(HoldRules.MAX_OPERATION + 1), "r"))
        .contains("8193 characters long", "refused");
    assertThat(HoldRules.checkRequest("exec", "", "r")).contains("empty");
    assertThat(HoldRules.checkRequest("exec", "a\0b", "r")).contains("NUL");
    assertThat(HoldRules.checkRequest("exec", "a\uDC00", "r")).contains("unpaired surrogate");
    assertThat(HoldRules.checkRequest("exec", "a\uD800", "r")).contains("unpaired surrogate");
    assertThat(HoldRules.checkRequest("exec", "\uD800a", "r")).contains("unpaired surrogate");
    assertThat(HoldRules.checkRequest("Exec", "ls", "r")).contains("hold kind 'Exec'");
    assertThat(HoldRules.checkRequest("e\u001b[2J", "ls", "r")).contains("'e?[2J'");
    assertThat(HoldRules.checkRequest("exec", "ls", "")).contains("rule");
    assertThat(HoldRules.checkRequest("exec", "ls", "r\u0007")).contains("rule");
    assertThat(HoldRules.checkRequest("exec", "ls", "r".repeat(401))).contains("rule");
  }
}
