package io.hoop.cli.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DpopKeyTest {
  private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");

  @Test
  void httpProofCarriesMethodUrlTimeNonceAndTokenHash() throws Exception {
    DpopKey key = DpopKey.generate();
    String proof =
        key.proof("get", "https://127.0.0.1:8443/v1/grants?scope=mine#x", "sess-token", NOW);
    SignedJWT jwt = SignedJWT.parse(proof);

    assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.EdDSA);
    assertThat(jwt.getHeader().getType().getType()).isEqualTo("dpop+jwt");
    OctetKeyPair jwk = (OctetKeyPair) jwt.getHeader().getJWK();
    assertThat(jwk.getCurve()).isEqualTo(Curve.Ed25519);
    assertThat(jwk.isPrivate()).as("header must carry the public key only").isFalse();
    assertThat(jwk.computeThumbprint().toString()).isEqualTo(key.thumbprint());
    assertThat(Proofs.verifies(jwt, jwk)).isTrue();
    assertThat(jwt.getSignature().decode()).hasSize(64);

    JWTClaimsSet claims = jwt.getJWTClaimsSet();
    assertThat(claims.getStringClaim("htm")).isEqualTo("GET");
    assertThat(claims.getStringClaim("htu")).isEqualTo("https://127.0.0.1:8443/v1/grants");
    assertThat(claims.getIssueTime().toInstant()).isEqualTo(NOW);
    assertThat(Base64URL.from(claims.getJWTID()).decode()).hasSizeGreaterThanOrEqualTo(16);
    byte[] sha =
        MessageDigest.getInstance("SHA-256")
            .digest("sess-token".getBytes(StandardCharsets.US_ASCII));
    assertThat(claims.getStringClaim("ath")).isEqualTo(Base64URL.encode(sha).toString());
  }

  @Test
  void loginProofHasNoTokenHash() throws Exception {
    String proof = DpopKey.generate().proof("POST", "https://b/v1/auth/token", null, NOW);
    assertThat(SignedJWT.parse(proof).getJWTClaimsSet().getClaim("ath")).isNull();
  }

  @Test
  void tunnelProofNamesTheGrant() throws Exception {
    DpopKey key = DpopKey.generate();
    String proof = key.proof(DpopKey.TUNNEL_METHOD, DpopKey.tunnelUri("g-4f2k9x"), "sess", NOW);
    JWTClaimsSet claims = SignedJWT.parse(proof).getJWTClaimsSet();
    assertThat(claims.getStringClaim("htm")).isEqualTo("TUNNEL");
    assertThat(claims.getStringClaim("htu")).isEqualTo("urn:hoop:tunnel:g-4f2k9x");
    assertThat(claims.getStringClaim("ath")).isEqualTo(DpopKey.ath("sess"));
  }

  @Test
  void everyProofHasItsOwnNonceEvenForTheSameToken() throws Exception {
    DpopKey key = DpopKey.generate();
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 100; i++) {
      ids.add(
          SignedJWT.parse(key.proof("GET", "https://b/x", "t", NOW)).getJWTClaimsSet().getJWTID());
    }
    assertThat(ids).hasSize(100);
    // A renewed token changes the hash: the cache must not serve the old one.
    String other = key.proof("GET", "https://b/x", "t2", NOW);
    assertThat(SignedJWT.parse(other).getJWTClaimsSet().getStringClaim("ath"))
        .isEqualTo(DpopKey.ath("t2"));
  }

  @Test
  void storedKeyParsesBackToTheSameKey() throws Exception {
    DpopKey key = DpopKey.generate();
    String json = key.toPrivateJson();
    assertThat(json).contains("\"d\"");
    DpopKey again = DpopKey.parse(json);
    assertThat(again.thumbprint()).isEqualTo(key.thumbprint());
    SignedJWT jwt = SignedJWT.parse(again.proof("GET", "https://b/x", null, NOW));
    assertThat(Proofs.verifies(jwt, OctetKeyPair.parse(json).toPublicJWK())).isTrue();
    assertThat(key.toString()).doesNotContain(OctetKeyPair.parse(json).getD().toString());
  }

  @Test
  void aP256KeyFromAnOlderLoginStillSignsEs256Proofs() throws Exception {
    ECKey p256 = new ECKeyGenerator(Curve.P_256).generate();
    DpopKey key = DpopKey.parse(p256.toJSONString());
    assertThat(key.thumbprint()).isEqualTo(p256.computeThumbprint().toString());
    SignedJWT jwt = SignedJWT.parse(key.proof("POST", "https://b/v1/grants", "t", NOW));
    assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.ES256);
    assertThat(jwt.verify(new ECDSAVerifier(p256.toPublicJWK()))).isTrue();
  }

  @Test
  void aTamperedEd25519ProofDoesNotVerify() throws Exception {
    String proof = DpopKey.generate().proof("GET", "https://b/x", "t", NOW);
    SignedJWT jwt = SignedJWT.parse(proof);
    SignedJWT other = SignedJWT.parse(DpopKey.generate().proof("GET", "https://b/x", "t", NOW));
    assertThat(Proofs.verifies(jwt, other.getHeader().getJWK())).isFalse();
  }

  @Test
  void publicOrOtherCurveKeysAreRefused() throws Exception {
    ECKey p384 = new ECKeyGenerator(Curve.P_384).generate();
    assertThatThrownBy(() -> DpopKey.parse(p384.toJSONString()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Ed25519 (OKP) or EC P-256")
        .hasMessageContaining("P-384");
    ECKey p256 = new ECKeyGenerator(Curve.P_256).generate();
    assertThatThrownBy(() -> DpopKey.parse(p256.toPublicJWK().toJSONString()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("without the private part");
    assertThatThrownBy(() -> DpopKey.parse("{nope"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("not a JWK");
  }

  @Test
  void aDamagedEd25519KeyFileIsRefusedWhenRead() throws Exception {
    OctetKeyPair mine = OctetKeyPair.parse(DpopKey.generate().toPrivateJson());
    OctetKeyPair other = OctetKeyPair.parse(DpopKey.generate().toPrivateJson());
    String damaged =
        new OctetKeyPair.Builder(Curve.Ed25519, other.getX()).d(mine.getD()).build().toJSONString();
    assertThatThrownBy(() -> DpopKey.parse(damaged))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("damaged")
        .hasMessageNotContaining(mine.getD().toString());
  }
}
