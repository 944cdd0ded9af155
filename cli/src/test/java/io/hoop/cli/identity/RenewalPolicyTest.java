package io.hoop.cli.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoop.cli.config.Credentials;
import io.hoop.cli.config.LoginSource;
import io.hoop.cli.identity.RenewalPolicy.Decision;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RenewalPolicyTest {
  private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");

  private static Credentials device(Instant expires, String refreshToken) {
    return new Credentials("t", expires, refreshToken, "alice", "jkt", LoginSource.device());
  }

  @Test
  void plentyOfTimeLeftIsUsedAsIs() {
    assertThat(RenewalPolicy.decide(device(NOW.plusSeconds(121), "rt"), NOW))
        .isEqualTo(Decision.USE);
    assertThat(RenewalPolicy.decide(device(null, null), NOW)).isEqualTo(Decision.USE);
  }

  @Test
  void lessThanTwoMinutesLeftIsRenewedWhenPossible() {
    assertThat(RenewalPolicy.decide(device(NOW.plusSeconds(119), "rt"), NOW))
        .isEqualTo(Decision.RENEW);
    assertThat(RenewalPolicy.decide(device(NOW.plusSeconds(119), null), NOW))
        .isEqualTo(Decision.USE_UNTIL_EXPIRY);
  }

  @Test
  void expiredNeedsARenewalOrALogin() {
    assertThat(RenewalPolicy.decide(device(NOW, "rt"), NOW)).isEqualTo(Decision.RENEW_OR_LOGIN);
    assertThat(RenewalPolicy.decide(device(NOW.minusSeconds(1), null), NOW))
        .isEqualTo(Decision.LOGIN);
  }

  @Test
  void whatMakesALoginRenewable() {
    Instant soon = NOW.plusSeconds(10);
    assertThat(
            RenewalPolicy.renewable(
                new Credentials(
                    "t",
                    soon,
                    null,
                    "ci-bot",
                    null,
                    new LoginSource(
                        LoginSource.CLIENT_CREDENTIALS, "ci-bot", "/s", null, null, null))))
        .isTrue();
    assertThat(
            RenewalPolicy.renewable(
                new Credentials(
                    "t",
                    soon,
                    null,
                    "k8s",
                    null,
                    new LoginSource(LoginSource.FEDERATED, null, null, "/token", null, null))))
        .isTrue();
    assertThat(
            RenewalPolicy.renewable(
                new Credentials(
                    "t",
                    soon,
                    null,
                    "p",
                    null,
                    new LoginSource(LoginSource.ADMIN_TOKEN, null, null, null, null, null))))
        .isFalse();
    // Logins stored by older versions say nothing about their source.
    assertThat(RenewalPolicy.renewable(new Credentials("t", soon, "rt", "alice"))).isFalse();
  }
}
