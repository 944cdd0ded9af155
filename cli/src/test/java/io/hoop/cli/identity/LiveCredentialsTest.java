package io.hoop.cli.identity;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.api.client.http.HttpHeaders;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.hoop.cli.broker.BrokerTls;
import io.hoop.cli.config.Credentials;
import io.hoop.cli.config.LoginSource;
import io.hoop.cli.config.Profile;
import io.hoop.cli.config.ProfileStore;
import io.hoop.tunnel.protocol.Handshake;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a running command presents, and how it follows a login made meanwhile elsewhere. */
class LiveCredentialsTest {
  private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  @TempDir Path tmp;

  private static Credentials bound(String token, Instant expires, DpopKey key) {
    return new Credentials(token, expires, null, "alice", key.thumbprint(), LoginSource.device());
  }

  private Renewer unusedRenewer(ProfileStore store) {
    // Logins without a refresh token are never renewed, so this renewer is never called.
    return new Renewer(
        store,
        new Profile("https://127.0.0.1:1", null, null, null, null),
        BrokerTls.pinned("00".repeat(32)),
        CLOCK);
  }

  @Test
  void eachTunnelConnectionGetsItsOwnProofForTheGrant() throws Exception {
    DpopKey key = DpopKey.generate();
    LiveCredentials live =
        new LiveCredentials(bound("sess-1", NOW.plusSeconds(600), key), key, CLOCK);
    Supplier<Handshake> handshakes = live.handshake("g-42", "grant-token");
    Handshake first = handshakes.get();
    Handshake second = handshakes.get();
    assertThat(first.grantToken()).isEqualTo("grant-token");
    assertThat(first.sessionToken()).isEqualTo("sess-1");
    SignedJWT proof = SignedJWT.parse(first.proof());
    assertThat(Proofs.verifies(proof, proof.getHeader().getJWK())).isTrue();
    JWTClaimsSet claims = proof.getJWTClaimsSet();
    assertThat(claims.getStringClaim("htm")).isEqualTo("TUNNEL");
    assertThat(claims.getStringClaim("htu")).isEqualTo("urn:hoop:tunnel:g-42");
    assertThat(claims.getStringClaim("ath")).isEqualTo(DpopKey.ath("sess-1"));
    assertThat(SignedJWT.parse(second.proof()).getJWTClaimsSet().getJWTID())
        .isNotEqualTo(claims.getJWTID());
    assertThat(first.toString()).doesNotContain("sess-1").doesNotContain("grant-token");
  }

  @Test
  void unboundSessionsUseBearerWithoutProof() {
    LiveCredentials live =
        new LiveCredentials(new Credentials("admin", null, null, null), null, CLOCK);
    HttpHeaders headers = new HttpHeaders();
    live.apply(headers, "GET", "https://b/v1/targets");
    assertThat(headers.getAuthorization()).isEqualTo("Bearer admin");
    assertThat(headers.get("DPoP")).isNull();
    assertThat(live.handshake("g-1", "gt").get().proof()).isNull();
  }

  @Test
  void anExpiredSessionFollowsALoginMadeInAnotherTerminal() throws Exception {
    ProfileStore store = new ProfileStore(tmp.resolve("p"), "p");
    DpopKey oldKey = DpopKey.generate();
    LiveCredentials live =
        new LiveCredentials(bound("sess-old", NOW.minusSeconds(1), oldKey), oldKey, CLOCK);
    StringWriter err = new StringWriter();
    assertThat(live.keepFresh(store, unusedRenewer(store), new PrintWriter(err, true))).isFalse();

    // `hoop login` elsewhere: a new key and a new session, stored in the same profile.
    DpopKey newKey = DpopKey.generate();
    store.saveKey(newKey);
    store.saveCredentials(bound("sess-new", NOW.plusSeconds(3600), newKey));
    assertThat(live.keepFresh(store, unusedRenewer(store), null)).isTrue();

    Handshake h = live.handshake("g-1", "gt").get();
    assertThat(h.sessionToken()).isEqualTo("sess-new");
    assertThat(SignedJWT.parse(h.proof()).getHeader().getJWK().computeThumbprint().toString())
        .isEqualTo(newKey.thumbprint());
    HttpHeaders headers = new HttpHeaders();
    live.apply(headers, "GET", "https://b/v1/whoami");
    assertThat(headers.getAuthorization()).isEqualTo("DPoP sess-new");
  }

  @Test
  void aStoredLoginWhoseKeyIsMissingIsNotAdopted() {
    ProfileStore store = new ProfileStore(tmp.resolve("p"), "p");
    DpopKey key = DpopKey.generate();
    LiveCredentials live =
        new LiveCredentials(bound("sess-old", NOW.minusSeconds(1), key), key, CLOCK);
    store.saveCredentials(bound("sess-copied", NOW.plusSeconds(3600), DpopKey.generate()));
    assertThat(live.keepFresh(store, unusedRenewer(store), null)).isFalse();
    assertThat(live.credentials().sessionToken()).isEqualTo("sess-old");
  }
}
