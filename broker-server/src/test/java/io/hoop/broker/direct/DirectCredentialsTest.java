package io.hoop.broker.direct;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoop.broker.store.DirectCredentialStore;
import io.hoop.broker.store.Store;
import io.hoop.engine.postgres.auth.ScramServer;
import io.hoop.engine.postgres.auth.ScramServer.ScramAuthenticationException;
import io.hoop.engine.postgres.engine.internal.ScramClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Both tables: this broker's memory, and the store replicas share. */
class DirectCredentialsTest {
  private static final Instant NOW = Instant.parse("2026-12-07T10:00:00Z");

  @TempDir Path dir;
  private final List<Store> stores = new ArrayList<>();

  private DirectCredentials creds(String table, Clock clock) {
    if (table.equals("memory")) {
      return DirectCredentials.inMemory(clock);
    }
    if (stores.isEmpty()) {
      stores.add(Store.openEmbedded(dir));
    }
    return new DirectCredentials(new DirectCredentialStore(stores.get(0)), clock);
  }

  @AfterEach
  void closeStores() {
    stores.forEach(Store::close);
  }

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

  @ParameterizedTest
  @ValueSource(strings = {"memory", "store"})
  void anIssuedPasswordIsKeptOnlyAsAVerifierAndOpensItsOwnGrant(String table) throws Exception {
    DirectCredentials creds = creds(table, Clock.fixed(NOW, ZoneOffset.UTC));
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

  @ParameterizedTest
  @ValueSource(strings = {"memory", "store"})
  void issuingAgainReplacesThePassword(String table) throws Exception {
    DirectCredentials creds = creds(table, Clock.fixed(NOW, ZoneOffset.UTC));
    DirectCredentials.Issued first = creds.issue("g-a", "alice", NOW.plusSeconds(60));
    DirectCredentials.Issued second = creds.issue("g-a", "alice", NOW.plusSeconds(60));
    assertThat(logsIn(creds.find("g-a").orElseThrow(), first.password())).isFalse();
    assertThat(logsIn(creds.find("g-a").orElseThrow(), second.password())).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"memory", "store"})
  void anExpiredOrForgottenCredentialIsGone(String table) {
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
    DirectCredentials creds = creds(table, moving);
    creds.issue("g-a", "alice", NOW.plusSeconds(60));
    creds.issue("g-b", "alice", NOW.plusSeconds(600));
    clock[0] = Clock.fixed(NOW.plusSeconds(60), ZoneOffset.UTC);
    assertThat(creds.find("g-a")).isEmpty();
    assertThat(creds.find("g-b")).isPresent();
    creds.forget("g-b");
    assertThat(creds.find("g-b")).isEmpty();
    assertThat(creds.size()).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"memory", "store"})
  void tenWrongPasswordsBurnTheCredential(String table) {
    DirectCredentials creds = creds(table, Clock.fixed(NOW, ZoneOffset.UTC));
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
    DirectCredentials creds = DirectCredentials.inMemory(Clock.fixed(NOW, ZoneOffset.UTC));
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

  @Test
  void replicasOnOneStoreShareCredentialsAndTheirFailureCount() throws Exception {
    Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    DirectCredentials replicaA = creds("store", clock);
    DirectCredentials replicaB = creds("store", clock);
    DirectCredentials.Issued issued = replicaA.issue("g-a", "alice", NOW.plusSeconds(600));
    // issued on A, a client behind the load balancer logs in on B
    DirectCredentials.Entry onB = replicaB.find("g-a").orElseThrow();
    assertThat(onB.principal()).isEqualTo("alice");
    assertThat(onB.expiresAt()).isEqualTo(NOW.plusSeconds(600));
    assertThat(logsIn(onB, issued.password())).isTrue();
    // wrong passwords count toward one limit, whichever replica they were tried on
    for (int i = 1; i < DirectCredentials.MAX_FAILURES; i++) {
      assertThat((i % 2 == 0 ? replicaA : replicaB).failed("g-a")).isFalse();
    }
    assertThat(replicaA.failed("g-a")).isTrue();
    assertThat(replicaB.find("g-a")).isEmpty();
    // a grant that ends on one replica ends its credential on the other
    replicaB.issue("g-b", "alice", NOW.plusSeconds(600));
    replicaA.forget("g-b");
    assertThat(replicaB.find("g-b")).isEmpty();
    assertThat(replicaA.size()).isZero();
  }

  @Test
  void aStoreThatCannotAnswerFailsTheLookupInsteadOfForgettingTheCredential() {
    DirectCredentials creds = creds("store", Clock.fixed(NOW, ZoneOffset.UTC));
    creds.issue("g-a", "alice", NOW.plusSeconds(600));
    stores.get(0).close();
    Assertions.assertThatThrownBy(() -> creds.find("g-a"))
        .isInstanceOf(io.hoop.broker.store.StoreException.class)
        .hasMessageContaining("g-a");
  }
}
