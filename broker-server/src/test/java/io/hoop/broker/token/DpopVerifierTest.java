package io.hoop.broker.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.hoop.broker.identity.TestClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DpopVerifierTest {
  static final String URL = "https://127.0.0.1:8443/v1/grants";
  static final String TOKEN = "session.token.value";

  final TestClock clock = new TestClock(Instant.parse("2026-03-01T12:00:00Z"));
  final DpopVerifier verifier = new DpopVerifier(clock);
  ECKey key;
  ECKey other;
  String jkt;

  @BeforeEach
  void keys() throws Exception {
    key = new ECKeyGenerator(Curve.P_256).generate();
    other = new ECKeyGenerator(Curve.P_256).generate();
    jkt = DpopVerifier.thumbprint(key.toPublicJWK());
  }

  JWTClaimsSet.Builder claims(String htm, String htu) {
    return new JWTClaimsSet.Builder()
        .jwtID(UUID.randomUUID().toString())
        .claim("htm", htm)
        .claim("htu", htu)
        .claim("ath", DpopVerifier.accessTokenHash(TOKEN))
        .issueTime(Date.from(clock.instant()));
  }

  String sign(ECKey k, JWTClaimsSet c) throws Exception {
    return sign(k, c, "dpop+jwt");
  }

  String sign(ECKey k, JWTClaimsSet c, String typ) throws Exception {
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.ES256)
                .type(new JOSEObjectType(typ))
                .jwk(k.toPublicJWK())
                .build(),
            c);
    jwt.sign(new ECDSASigner(k));
    return jwt.serialize();
  }

  String proof() throws Exception {
    return sign(key, claims("POST", URL).build());
  }

  void assertRefused(String proof, String code, String message) {
    assertThatThrownBy(() -> verifier.verifyHttp(proof, "POST", "/v1/grants", TOKEN, jkt))
        .isInstanceOf(DpopException.class)
        .hasMessageContaining(message)
        .satisfies(e -> assertThat(((DpopException) e).code()).isEqualTo(code));
  }

  @Test
  void acceptsAProofByTheBoundKeyAndReturnsItsThumbprint() throws Exception {
    assertThat(verifier.verifyHttp(proof(), "POST", "/v1/grants", TOKEN, jkt)).isEqualTo(jkt);
  }

  @Test
  void comparesOnlyThePathOfHtu() throws Exception {
    String p = sign(key, claims("POST", "https://broker.example:443/v1/grants").build());
    assertThat(verifier.verifyHttp(p, "POST", "/v1/grants", TOKEN, jkt)).isEqualTo(jkt);
  }

  @Test
  void refusesATokenReplayedWithoutAProof() {
    assertRefused(null, DpopException.REQUIRED, "run hoop login on this machine");
  }

  @Test
  void refusesATokenReplayedWithAProofByAnotherKey() throws Exception {
    assertRefused(
        sign(other, claims("POST", URL).build()), DpopException.INVALID, "signed by another key");
  }

  @Test
  void refusesAReplayedProof() throws Exception {
    String p = proof();
    verifier.verifyHttp(p, "POST", "/v1/grants", TOKEN, jkt);
    assertRefused(p, DpopException.REPLAY, "already used (same jti)");
  }

  @Test
  void refusesAProofAnotherReplicaAcceptedAndFailsClosedWhenTheyCannotBeAsked() throws Exception {
    java.util.Set<String> claimed = java.util.concurrent.ConcurrentHashMap.newKeySet();
    OnceIds store = (kind, id, until) -> claimed.add(kind + " " + id);
    DpopVerifier replicaA = new DpopVerifier(clock, store);
    DpopVerifier replicaB = new DpopVerifier(clock, store);
    String p = proof();
    assertThat(replicaA.verifyHttp(p, "POST", "/v1/grants", TOKEN, jkt)).isEqualTo(jkt);
    assertThatThrownBy(() -> replicaB.verifyHttp(p, "POST", "/v1/grants", TOKEN, jkt))
        .isInstanceOfSatisfying(
            DpopException.class, e -> assertThat(e.code()).isEqualTo(DpopException.REPLAY))
        .hasMessageContaining("another broker replica");
    DpopVerifier cutOff =
        new DpopVerifier(
            clock,
            (kind, id, until) -> {
              throw new IllegalStateException("store down");
            });
    assertThatThrownBy(() -> cutOff.verifyHttp(proof(), "POST", "/v1/grants", TOKEN, jkt))
        .isInstanceOfSatisfying(
            DpopException.class, e -> assertThat(e.code()).isEqualTo(DpopException.INVALID))
        .hasMessageContaining("store unavailable");
  }

  @Test
  void refusesAProofTooOld() throws Exception {
    String p = proof();
    clock.advance(Duration.ofSeconds(61));
    assertRefused(p, DpopException.EXPIRED, "more than 60 s ago");
  }

  @Test
  void refusesAProofFromTheFuture() throws Exception {
    String p =
        sign(
            key, claims("POST", URL).issueTime(Date.from(clock.instant().plusSeconds(30))).build());
    assertRefused(p, DpopException.EXPIRED, "in the future");
  }

  @Test
  void acceptsAProofWithinTheWindow() throws Exception {
    String p = proof();
    clock.advance(Duration.ofSeconds(59));
    assertThat(verifier.verifyHttp(p, "POST", "/v1/grants", TOKEN, jkt)).isEqualTo(jkt);
  }

  @Test
  void refusesAWrongMethod() throws Exception {
    assertRefused(sign(key, claims("GET", URL).build()), DpopException.INVALID, "method 'GET'");
  }

  @Test
  void refusesAWrongPath() throws Exception {
    assertRefused(
        sign(key, claims("POST", "https://127.0.0.1:8443/v1/audit").build()),
        DpopException.INVALID,
        "path '/v1/audit'");
  }

  @Test
  void refusesAWrongAth() throws Exception {
    String p =
        sign(key, claims("POST", URL).claim("ath", DpopVerifier.accessTokenHash("other")).build());
    assertRefused(p, DpopException.INVALID, "ath does not match");
  }

  @Test
  void refusesAMissingAth() throws Exception {
    assertRefused(
        sign(key, claims("POST", URL).claim("ath", null).build()),
        DpopException.INVALID,
        "ath does not match");
  }

  @Test
  void refusesAPrivateKeyInTheHeader() throws Exception {
    // Built by hand: nimbus will not put a private key in a header itself.
    String header =
        Base64URL.encode(
                "{\"typ\":\"dpop+jwt\",\"alg\":\"ES256\",\"jwk\":" + key.toJSONString() + "}")
            .toString();
    String payload = Base64URL.encode(claims("POST", URL).build().toString()).toString();
    byte[] input = (header + "." + payload).getBytes(StandardCharsets.US_ASCII);
    Base64URL sig =
        new ECDSASigner(key).sign(new JWSHeader.Builder(JWSAlgorithm.ES256).build(), input);
    assertRefused(header + "." + payload + "." + sig, DpopException.INVALID, "private key");
  }

  @Test
  void refusesAnUnsignedProof() {
    String p = new PlainJWT(claims("POST", URL).build()).serialize();
    assertRefused(p, DpopException.INVALID, "alg none");
  }

  @Test
  void refusesAnHs256Proof() throws Exception {
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.HS256)
                .type(new JOSEObjectType("dpop+jwt"))
                .jwk(key.toPublicJWK())
                .build(),
            claims("POST", URL).build());
    jwt.sign(new MACSigner(new byte[32]));
    assertRefused(jwt.serialize(), DpopException.INVALID, "algorithm HS256 is not accepted");
  }

  @Test
  void refusesAnotherTyp() throws Exception {
    assertRefused(sign(key, claims("POST", URL).build(), "JWT"), DpopException.INVALID, "typ");
  }

  @Test
  void refusesAProofWithoutJti() throws Exception {
    assertRefused(sign(key, claims("POST", URL).jwtID(null).build()), DpopException.INVALID, "jti");
  }

  @Test
  void tunnelProofsNameTheGrant() throws Exception {
    String ok = sign(key, claims("TUNNEL", "urn:hoop:tunnel:g-1").build());
    assertThat(verifier.verifyTunnel(ok, "g-1", TOKEN, jkt)).isEqualTo(jkt);

    String otherGrant = sign(key, claims("TUNNEL", "urn:hoop:tunnel:g-2").build());
    assertThatThrownBy(() -> verifier.verifyTunnel(otherGrant, "g-1", TOKEN, jkt))
        .hasMessageContaining("urn:hoop:tunnel:g-1");
    String httpProof = proof();
    assertThatThrownBy(() -> verifier.verifyTunnel(httpProof, "g-1", TOKEN, jkt))
        .hasMessageContaining("method 'POST', not TUNNEL");
  }

  @Test
  void loginProofsNeedNoAthAndBindAnyKey() throws Exception {
    String p = sign(other, claims("POST", URL).claim("ath", null).build());
    assertThat(verifier.verifyHttp(p, "POST", "/v1/grants", null, null))
        .isEqualTo(DpopVerifier.thumbprint(other.toPublicJWK()));
  }

  @Test
  void forgetsProofsOnceTheyAreTooOldToReplay() throws Exception {
    verifier.verifyHttp(proof(), "POST", "/v1/grants", TOKEN, jkt);
    verifier.verifyHttp(proof(), "POST", "/v1/grants", TOKEN, jkt);
    assertThat(verifier.remembered()).isEqualTo(2);
    clock.advance(Duration.ofMinutes(2));
    verifier.verifyHttp(proof(), "POST", "/v1/grants", TOKEN, jkt);
    assertThat(verifier.remembered()).isEqualTo(1);
  }

  @Test
  void aFloodOfLoginProofsCannotCrowdOutBoundSessions() throws Exception {
    DpopVerifier small = new DpopVerifier(clock, 5, 2);
    for (int i = 0; i < 2; i++) {
      ECKey stranger = new ECKeyGenerator(Curve.P_256).generate();
      small.verifyHttp(
          sign(stranger, claims("POST", URL).claim("ath", null).build()),
          "POST",
          "/v1/grants",
          null,
          null);
    }
    ECKey third = new ECKeyGenerator(Curve.P_256).generate();
    assertThatThrownBy(
            () ->
                small.verifyHttp(
                    sign(third, claims("POST", URL).claim("ath", null).build()),
                    "POST",
                    "/v1/grants",
                    null,
                    null))
        .isInstanceOf(DpopException.class)
        .hasMessageContaining("too many login attempts");
    // The holder of a bound session is not affected.
    assertThat(small.verifyHttp(proof(), "POST", "/v1/grants", TOKEN, jkt)).isEqualTo(jkt);
    assertThat(small.remembered()).isEqualTo(3);
    clock.advance(Duration.ofMinutes(2));
    assertThat(
            small.verifyHttp(
                sign(third, claims("POST", URL).claim("ath", null).build()),
                "POST",
                "/v1/grants",
                null,
                null))
        .isEqualTo(DpopVerifier.thumbprint(third.toPublicJWK()));
  }

  @Test
  void refusesOversizedProofs() {
    assertRefused("x".repeat(9000), DpopException.INVALID, "at most");
  }

  @Test
  void thumbprintIsRfc7638() throws Exception {
    // RFC 7638 section 3.1 example key and thumbprint.
    com.nimbusds.jose.jwk.JWK rfc =
        com.nimbusds.jose.jwk.JWK.parse(
            Map.of(
                "kty", "RSA",
                "n",
                    "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw",
                "e", "AQAB"));
    assertThat(DpopVerifier.thumbprint(rfc))
        .isEqualTo("NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
  }
}
