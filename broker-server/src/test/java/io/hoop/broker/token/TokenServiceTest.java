package io.hoop.broker.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hoop.api.Principal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenServiceTest {
  @TempDir Path dir;
  private final Principal alice = new Principal("alice", "a@x", List.of("eng"), "oidc-device");

  @Test
  void sessionTokenRoundTripsAndKeyIsPrivate() throws Exception {
    TokenService ts = TokenService.loadOrCreate(dir, Clock.systemUTC());
    TokenService.IssuedToken t = ts.issueSession(alice, Duration.ofMinutes(5));
    assertThat(ts.verifySession(t.token()).principal()).isEqualTo(alice);
    assertThat(t.toString()).doesNotContain(t.token());
    Path key = dir.resolve("keys/signing.jwk");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key)))
        .isEqualTo("rw-------");
    // Reloading keeps the key: tokens survive a restart.
    assertThat(
            TokenService.loadOrCreate(dir, Clock.systemUTC()).verifySession(t.token()).principal())
        .isEqualTo(alice);
  }

  @Test
  void cachedSessionStillExpiresOnTime() throws Exception {
    java.util.concurrent.atomic.AtomicReference<Instant> now =
        new java.util.concurrent.atomic.AtomicReference<>(Instant.now());
    Clock clock =
        new Clock() {
          @Override
          public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
          }

          @Override
          public Clock withZone(java.time.ZoneId zone) {
            return this;
          }

          @Override
          public Instant instant() {
            return now.get();
          }
        };
    TokenService ts = TokenService.loadOrCreate(dir, clock);
    String t = ts.issueSession(alice, Duration.ofSeconds(30)).token();
    assertThat(ts.verifySession(t).principal()).isEqualTo(alice);
    assertThat(ts.verifySession(t).principal()).isEqualTo(alice);
    now.set(now.get().plusSeconds(31));
    assertThatThrownBy(() -> ts.verifySession(t)).hasMessage("session token has expired");
  }

  @Test
  void grantTokenCannotStandInForASessionAndViceVersa() throws Exception {
    TokenService ts = TokenService.loadOrCreate(dir, Clock.systemUTC());
    String grant = ts.issueGrant("g-1", "alice", "db", Instant.now().plusSeconds(60));
    String session = ts.issueSession(alice, Duration.ofMinutes(5)).token();
    assertThatThrownBy(() -> ts.verifySession(grant))
        .isInstanceOf(InvalidBrokerTokenException.class);
    assertThatThrownBy(() -> ts.verifyGrant(session))
        .isInstanceOf(InvalidBrokerTokenException.class);
    assertThat(ts.verifyGrant(grant).grantId()).isEqualTo("g-1");
  }

  @Test
  void expiredGarbageOversizedAndForeignTokensAreRefused(@TempDir Path other) throws Exception {
    TokenService ts = TokenService.loadOrCreate(dir, Clock.systemUTC());
    String expired = ts.issueGrant("g-1", "alice", "db", Instant.now().minusSeconds(1));
    assertThatThrownBy(() -> ts.verifyGrant(expired)).hasMessage("grant token has expired");
    assertThatThrownBy(() -> ts.verifyGrant("garbage")).hasMessage("grant token is not a JWT");
    assertThatThrownBy(() -> ts.verifyGrant(null)).hasMessage("no grant token was presented");
    assertThatThrownBy(() -> ts.verifyGrant("a".repeat(20_000)))
        .hasMessageContaining("expected at most 16384");
    TokenService foreign = TokenService.loadOrCreate(other, Clock.systemUTC());
    String forged = foreign.issueGrant("g-1", "alice", "db", Instant.now().plusSeconds(60));
    assertThatThrownBy(() -> ts.verifyGrant(forged))
        .isInstanceOf(InvalidBrokerTokenException.class)
        .hasMessageNotContaining(forged);
  }

  @Test
  void tamperedPayloadIsRefused() throws Exception {
    TokenService ts = TokenService.loadOrCreate(dir, Clock.systemUTC());
    String t = ts.issueGrant("g-1", "alice", "db", Instant.now().plusSeconds(60));
    String[] parts = t.split("\\.");
    String payload =
        new String(
                java.util.Base64.getUrlDecoder().decode(parts[1]),
                java.nio.charset.StandardCharsets.UTF_8)
            .replace("alice", "mallo");
    String forged =
        parts[0]
            + "."
            + java.util.Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(payload.getBytes(java.nio.charset.StandardCharsets.UTF_8))
            + "."
            + parts[2];
    assertThatThrownBy(() -> ts.verifyGrant(forged))
        .isInstanceOf(InvalidBrokerTokenException.class);
  }

  @Test
  void boundSessionsCarryTheKeyThumbprintAndRevokedOnesAreRefused() throws Exception {
    java.util.Set<String> revoked = new java.util.HashSet<>();
    TokenService ts = TokenService.loadOrCreate(dir, Clock.systemUTC(), revoked::contains);
    TokenService.IssuedToken bound = ts.issueSession(alice, Duration.ofMinutes(5), "jkt-1");
    TokenService.SessionClaims c = ts.verifySession(bound.token());
    assertThat(c.keyThumbprint()).isEqualTo("jkt-1");
    assertThat(c.bound()).isTrue();
    assertThat(ts.verifySession(ts.issueSession(alice, Duration.ofMinutes(5)).token()).bound())
        .isFalse();

    revoked.add(c.sessionId());
    assertThatThrownBy(() -> ts.verifySession(bound.token()))
        .isInstanceOf(InvalidBrokerTokenException.class)
        .hasMessageContaining("was revoked")
        .satisfies(
            e ->
                assertThat(((InvalidBrokerTokenException) e).code())
                    .isEqualTo(InvalidBrokerTokenException.REVOKED));
  }
}
