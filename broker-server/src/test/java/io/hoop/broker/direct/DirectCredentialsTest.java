package io.hoop.broker.direct;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoop.engine.postgres.auth.ScramServer;
import io.hoop.engine.postgres.auth.ScramServer.ScramAuthenticationException;
import io.hoop.engine.postgres.engine.internal.ScramClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

class DirectCredentialsTest {
  private static final Instant NOW = Instant.parse("2026-12-07T10:00:00Z");

  private static boolean logsIn(DirectCredentials.Entry entry, String password) throws Exception {
    ScramServer server = new ScramServer(entry.verifier());
    ScramClient client = new ScramClient("", password, ScramClient.randomNonce());
    String first = server.serverFirst(client.clientFirst().getBytes(StandardCharsets.UTF_8));
    try {
      server.serverFinal(client.clientFinal(first).getBytes(StandardCharsets.UTF_8));
      return true;
    } catch (ScramAuthenticationException e) {
      return false;
    }
  }

  @Test
  void anIssuedPasswordIsKeptOnlyAsAVerifierAndOpensItsOwnGrant() throws Exception {
    DirectCredentials creds = new DirectCredentials(Clock.fixed(NOW, ZoneOffset.UTC));
    DirectCredentials.Issued a = creds.issue("g-a", "alice", NOW.plus(Duration.ofHours(1)));
    DirectCredentials.Issued b = creds.issue("g-b", "alice", NOW.plus(Duration.ofHours(1)));
    assertThat(a.user()).isEqualTo("g-a");
    assertThat(a.password()).hasSize(32).matches("[A-Za-z0-9_-]+");
    assertThat(a.toString()).doesNotContain(a.password());
    assertThat(creds.toString()).doesNotContain(a.password());
    DirectCredentials.Entry entry = creds.find("g-a").orElseThrow();
    assertThat(entry.verifier().iterations()).isGreaterThanOrEqualTo(4096);
    assertThat(entry.toString()).doesNotContain(a.password());
    assertThat(logsIn(entry, a.password())).isTrue();
    assertThat(logsIn(entry, b.password())).isFalse();
    assertThat(logsIn(creds.find("g-b").orElseThrow(), a.password())).isFalse();
  }

  @Test
  void issuingAgainReplacesThePassword() throws Exception {
    DirectCredentials creds = new DirectCredentials(Clock.fixed(NOW, ZoneOffset.UTC));
    DirectCredentials.Issued first = creds.issue("g-a", "alice", NOW.plusSeconds(60));
    DirectCredentials.Issued second = creds.issue("g-a", "alice", NOW.plusSeconds(60));
    assertThat(logsIn(creds.find("g-a").orElseThrow(), first.password())).isFalse();
    assertThat(logsIn(creds.find("g-a").orElseThrow(), second.password())).isTrue();
  }

  @Test
  void anExpiredOrForgottenCredentialIsGone() {
    Clock[] clock = {Clock.fixed(NOW, ZoneOffset.UTC)};
    Clock moving =
        new Clock() {
          @Override
          public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
          }

          @Override
          public Clock withZone(java.time.ZoneId zone) {
            return this;
          }

          @Override
          public Instant instant() {
            return clock[0].instant();
          }
        };
    DirectCredentials creds = new DirectCredentials(moving);
    creds.issue("g-a", "alice", NOW.plusSeconds(60));
    creds.issue("g-b", "alice", NOW.plusSeconds(600));
    clock[0] = Clock.fixed(NOW.plusSeconds(60), ZoneOffset.UTC);
    assertThat(creds.find("g-a")).isEmpty();
    assertThat(creds.find("g-b")).isPresent();
    creds.forget("g-b");
    assertThat(creds.find("g-b")).isEmpty();
    assertThat(creds.size()).isZero();
  }

  @Test
  void tenWrongPasswordsBurnTheCredential() {
    DirectCredentials creds = new DirectCredentials(Clock.fixed(NOW, ZoneOffset.UTC));
    creds.issue("g-a", "alice", NOW.plusSeconds(60));
    for (int i = 1; i < DirectCredentials.MAX_FAILURES; i++) {
      assertThat(creds.failed("g-a")).isFalse();
    }
    assertThat(creds.failed("g-a")).isTrue();
    assertThat(creds.find("g-a")).isEmpty();
    // Failures against users without a credential burn nothing and are not counted.
    assertThat(creds.failed("g-nobody")).isFalse();
  }

  @Test
  void anUnknownUserGetsAStableVerifierNoPasswordMatches() throws Exception {
    DirectCredentials creds = new DirectCredentials(Clock.fixed(NOW, ZoneOffset.UTC));
    assertThat(creds.unknown("g-x").salt()).isEqualTo(creds.unknown("g-x").salt());
    assertThat(
            logsIn(
                new DirectCredentials.Entry(
                    "g-x", "alice", creds.unknown("g-x"), NOW.plusSeconds(1)),
                ""))
        .isFalse();
    Assertions.assertThat(creds.unknown("g-x").toString())
        .contains("<hidden>")
        .doesNotContain(java.util.Base64.getEncoder().encodeToString(creds.unknown("g-x").salt()));
  }
}
