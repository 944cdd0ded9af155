package io.hoop.broker.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import io.hoop.broker.identity.TestClock;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.UUID;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.junit.jupiter.api.Test;

/** Ed25519 ({@code alg: EdDSA}) proofs, the kind {@code hoop login} keys sign. */
class DpopVerifierEd25519Test {
  static final String URL = "https://127.0.0.1:8443/v1/grants";
  static final String TOKEN = "session.token.value";
  static final SecureRandom RANDOM = new SecureRandom();

  final TestClock clock = new TestClock(Instant.parse("2026-03-01T12:00:00Z"));
  final DpopVerifier verifier = new DpopVerifier(clock);

  record Key(Ed25519PrivateKeyParameters priv, OctetKeyPair jwk) {
    static Key generate() {
      Ed25519PrivateKeyParameters p = new Ed25519PrivateKeyParameters(RANDOM);
      return new Key(
          p,
          new OctetKeyPair.Builder(
                  Curve.Ed25519, Base64URL.encode(p.generatePublicKey().getEncoded()))
              .build());
    }

    String thumbprint() throws Exception {
      return DpopVerifier.thumbprint(jwk);
    }
  }

  JWTClaimsSet claims(String htm) {
    return new JWTClaimsSet.Builder()
        .jwtID(UUID.randomUUID().toString())
        .claim("htm", htm)
        .claim("htu", URL)
        .claim("ath", DpopVerifier.accessTokenHash(TOKEN))
        .issueTime(Date.from(clock.instant()))
        .build();
  }

  /** A proof whose header carries {@code headerKey}'s jwk, signed by {@code signer}. */
  static String proof(OctetKeyPair headerKey, Ed25519PrivateKeyParameters signer, JWTClaimsSet c) {
    String header =
        new JWSHeader.Builder(JWSAlgorithm.EdDSA)
            .type(new JOSEObjectType("dpop+jwt"))
            .jwk(headerKey)
            .build()
            .toBase64URL()
            .toString();
    String input = header + "." + Base64URL.encode(c.toString().getBytes(StandardCharsets.UTF_8));
    return input + "." + Base64URL.encode(sign(signer, input));
  }

  static byte[] sign(Ed25519PrivateKeyParameters key, String input) {
    byte[] bytes = input.getBytes(StandardCharsets.US_ASCII);
    Ed25519Signer s = new Ed25519Signer();
    s.init(true, key);
    s.update(bytes, 0, bytes.length);
    return s.generateSignature();
  }

  String verify(String proof, String boundTo) throws DpopException {
    return verifier.verifyHttp(proof, "POST", "/v1/grants", TOKEN, boundTo);
  }

  void assertInvalid(String proof, String boundTo, String message) {
    assertThatThrownBy(() -> verify(proof, boundTo))
        .isInstanceOf(DpopException.class)
        .hasMessageContaining(message)
        .satisfies(e -> assertThat(((DpopException) e).code()).isEqualTo(DpopException.INVALID));
  }

  @Test
  void acceptsAnEd25519ProofAndReturnsTheRfc7638Thumbprint() throws Exception {
    Key k = Key.generate();
    assertThat(verify(proof(k.jwk(), k.priv(), claims("POST")), k.thumbprint()))
        .isEqualTo(k.thumbprint());
  }

  @Test
  void refusesAProofCarryingTheBoundKeyButSignedByAnother() throws Exception {
    Key bound = Key.generate();
    Key thief = Key.generate();
    assertInvalid(
        proof(bound.jwk(), thief.priv(), claims("POST")),
        bound.thumbprint(),
        "signature does not verify");
  }

  @Test
  void aKeptVerifierNeverVouchesForAnotherKey() throws Exception {
    Key a = Key.generate();
    Key b = Key.generate();
    assertThat(verify(proof(a.jwk(), a.priv(), claims("POST")), a.thumbprint()))
        .isEqualTo(a.thumbprint());
    assertThat(verify(proof(b.jwk(), b.priv(), claims("POST")), b.thumbprint()))
        .isEqualTo(b.thumbprint());
    // a's verifier is cached now: b's signature under a's key must still fail.
    assertInvalid(proof(a.jwk(), b.priv(), claims("POST")), a.thumbprint(), "does not verify");
  }

  @Test
  void refusesATamperedPayload() throws Exception {
    Key k = Key.generate();
    String good = proof(k.jwk(), k.priv(), claims("GET"));
    String[] parts = good.split("\\.");
    String forged =
        parts[0]
            + "."
            + Base64URL.encode(claims("POST").toString().getBytes(StandardCharsets.UTF_8))
            + "."
            + parts[2];
    assertInvalid(forged, k.thumbprint(), "signature does not verify");
  }

  @Test
  void refusesATruncatedOrPaddedSignature() throws Exception {
    Key k = Key.generate();
    String good = proof(k.jwk(), k.priv(), claims("POST"));
    int dot = good.lastIndexOf('.');
    byte[] sig = Base64URL.from(good.substring(dot + 1)).decode();
    String shortSig = good.substring(0, dot + 1) + Base64URL.encode(Arrays.copyOf(sig, 63));
    String longSig = good.substring(0, dot + 1) + Base64URL.encode(Arrays.copyOf(sig, 65));
    assertInvalid(shortSig, k.thumbprint(), "does not verify");
    assertInvalid(longSig, k.thumbprint(), "does not verify");
  }

  @Test
  void refusesAnOkpKeyOnAnotherCurve() throws Exception {
    Key k = Key.generate();
    OctetKeyPair x25519 = new OctetKeyPair.Builder(Curve.X25519, k.jwk().getX()).build();
    assertInvalid(
        proof(x25519, k.priv(), claims("POST")), DpopVerifier.thumbprint(x25519), "not Ed25519");
  }

  @Test
  void refusesAKeyOfTheWrongLength() throws Exception {
    Key k = Key.generate();
    OctetKeyPair shortKey =
        new OctetKeyPair.Builder(
                Curve.Ed25519, Base64URL.encode(Arrays.copyOf(k.jwk().getDecodedX(), 31)))
            .build();
    assertInvalid(
        proof(shortKey, k.priv(), claims("POST")),
        DpopVerifier.thumbprint(shortKey),
        "Ed25519 key is not usable");
  }

  @Test
  void keepsVerifiersOnlyForBoundKeysWhoseProofVerified() throws Exception {
    for (int i = 0; i < 5; i++) {
      Key stranger = Key.generate();
      // Login proofs (no bound key yet) with fresh keys: checked, never kept.
      verifier.verifyHttp(
          proof(stranger.jwk(), stranger.priv(), claims("POST")), "POST", "/v1/grants", null, null);
    }
    Key holder = Key.generate();
    assertInvalid(
        proof(holder.jwk(), Key.generate().priv(), claims("POST")),
        holder.thumbprint(),
        "does not verify");
    assertThat(verifier.keptVerifiers()).isZero();
    verify(proof(holder.jwk(), holder.priv(), claims("POST")), holder.thumbprint());
    verify(proof(holder.jwk(), holder.priv(), claims("POST")), holder.thumbprint());
    assertThat(verifier.keptVerifiers()).isEqualTo(1);
  }

  @Test
  void refusesAProofWithAnUnknownCriticalHeader() throws Exception {
    Key k = Key.generate();
    String header =
        new JWSHeader.Builder(JWSAlgorithm.EdDSA)
            .type(new JOSEObjectType("dpop+jwt"))
            .jwk(k.jwk())
            .criticalParams(java.util.Set.of("hoop-unknown"))
            .customParam("hoop-unknown", true)
            .build()
            .toBase64URL()
            .toString();
    String input =
        header + "." + Base64URL.encode(claims("POST").toString().getBytes(StandardCharsets.UTF_8));
    String p = input + "." + Base64URL.encode(sign(k.priv(), input));
    assertInvalid(p, k.thumbprint(), "does not verify");
  }
}
