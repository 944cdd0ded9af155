package io.hoop.cli.identity;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.bc.BouncyCastleProviderSingleton;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import io.hoop.api.Json;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;

/**
 * A profile's proof-of-possession key (Ed25519; EC P-256 from older logins still works) and the
 * DPoP proofs (RFC 9449 shape) it signs.
 *
 * <p>The header and signer are built once: a tunnel signs one proof per local connection on the
 * event loop, so only the claims and the signature are computed per proof.
 */
public final class DpopKey {
  /** The {@code htm} of tunnel handshakes. */
  public static final String TUNNEL_METHOD = "TUNNEL";

  private static final SecureRandom RANDOM = new SecureRandom();

  private final JWK key;
  private final String thumbprint;
  private final JWSHeader header;
  private final String encodedHeader;
  private final JWSSigner signer;
  // Sessions present one token for many proofs: hash it once, not per proof.
  private volatile Ath lastAth;

  private record Ath(String token, String value) {}

  private DpopKey(JWK key) {
    if (!key.isPrivate()) {
      throw new IllegalArgumentException(
          "DPoP key must be a private JWK, got one without the private part");
    }
    this.key = key;
    JWSAlgorithm alg;
    try {
      if (key instanceof OctetKeyPair okp && Curve.Ed25519.equals(okp.getCurve())) {
        alg = JWSAlgorithm.EdDSA;
        signer = new Ed25519ProofSigner(okp);
      } else if (key instanceof ECKey ec && Curve.P_256.equals(ec.getCurve())) {
        alg = JWSAlgorithm.ES256;
        // BouncyCastle signs P-256 ~3x faster than SunEC, but only with a key object of its own:
        // given a JDK key it rebuilds the curve and its precomputed tables on every signature.
        PrivateKey bcKey =
            (PrivateKey)
                KeyFactory.getInstance("EC", BouncyCastleProviderSingleton.getInstance())
                    .translateKey(ec.toECPrivateKey());
        ECDSASigner ecdsa = new ECDSASigner(bcKey, Curve.P_256);
        ecdsa.getJCAContext().setProvider(BouncyCastleProviderSingleton.getInstance());
        signer = ecdsa;
      } else {
        throw new IllegalArgumentException(
            "DPoP key must be an Ed25519 (OKP) or EC P-256 JWK, got "
                + key.getKeyType()
                + (key instanceof ECKey ec ? " curve " + ec.getCurve() : "")
                + (key instanceof OctetKeyPair okp ? " curve " + okp.getCurve() : ""));
      }
      this.thumbprint = key.computeThumbprint().toString();
    } catch (JOSEException | GeneralSecurityException e) {
      throw new IllegalArgumentException("unusable DPoP key: " + e.getMessage(), e);
    }
    this.header =
        new JWSHeader.Builder(alg)
            .type(new JOSEObjectType("dpop+jwt"))
            .jwk(key.toPublicJWK())
            .build();
    this.encodedHeader = header.toBase64URL().toString();
  }

  /**
   * A fresh Ed25519 key pair: the cheapest proofs to sign and, above all, to verify (the broker
   * checks one on every call, and P-256 verification costs it several times the CPU and memory).
   */
  public static DpopKey generate() {
    Ed25519PrivateKeyParameters priv = new Ed25519PrivateKeyParameters(RANDOM);
    OctetKeyPair okp =
        new OctetKeyPair.Builder(
                Curve.Ed25519, Base64URL.encode(priv.generatePublicKey().getEncoded()))
            .d(Base64URL.encode(priv.getEncoded()))
            .build();
    return new DpopKey(okp);
  }

  /**
   * A fresh EC P-256 key pair, for an identity provider that binds tokens with DPoP but does not
   * list EdDSA among its {@code dpop_signing_alg_values_supported}: one key serves IdP and broker.
   */
  public static DpopKey generateP256() {
    try {
      return new DpopKey(new ECKeyGenerator(Curve.P_256).generate());
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot generate an EC P-256 key: " + e.getMessage(), e);
    }
  }

  /** The JWS algorithm of this key's proofs: {@code EdDSA} or {@code ES256}. */
  public String algorithm() {
    return header.getAlgorithm().getName();
  }

  /** Parses a stored private JWK ({@code dpop.jwk}): Ed25519, or EC P-256 from older logins. */
  public static DpopKey parse(String jwkJson) {
    try {
      return new DpopKey(JWK.parse(jwkJson));
    } catch (ParseException e) {
      throw new IllegalArgumentException("not a JWK: " + e.getMessage(), e);
    }
  }

  /** The private JWK as JSON, for the 0600 key file only. */
  public String toPrivateJson() {
    return key.toJSONString();
  }

  /** RFC 7638 SHA-256 thumbprint (base64url) of the public key: the session's {@code cnf.jkt}. */
  public String thumbprint() {
    return thumbprint;
  }

  /**
   * Signs a proof.
   *
   * @param method HTTP method (upper-cased here) or {@link #TUNNEL_METHOD}
   * @param uri the request URL (query and fragment are dropped) or the tunnel's URN
   * @param accessToken the session token presented with the proof, or null (login)
   * @param now the proof's {@code iat}
   */
  public String proof(String method, String uri, String accessToken, Instant now) {
    return proof(method, uri, accessToken, null, now);
  }

  /**
   * Signs a proof carrying a server-provided nonce (RFC 9449 section 8), as identity providers may
   * demand at their token endpoint.
   *
   * @param nonce the last {@code DPoP-Nonce} the server sent, or null
   */
  public String proof(String method, String uri, String accessToken, String nonce, Instant now) {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(uri, "uri");
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("jti", randomId());
    claims.put("htm", method.toUpperCase(java.util.Locale.ROOT));
    claims.put("htu", htu(uri));
    claims.put("iat", now.getEpochSecond());
    if (nonce != null) {
      claims.put("nonce", nonce);
    }
    if (accessToken != null) {
      Ath cached = lastAth;
      if (cached == null || !cached.token().equals(accessToken)) {
        cached = new Ath(accessToken, ath(accessToken));
        lastAth = cached;
      }
      claims.put("ath", cached.value());
    }
    try {
      String payload = Base64URL.encode(Json.mapper().writeValueAsBytes(claims)).toString();
      String signingInput = encodedHeader + "." + payload;
      Base64URL signature = signer.sign(header, signingInput.getBytes(StandardCharsets.US_ASCII));
      return signingInput + "." + signature;
    } catch (JsonProcessingException | JOSEException e) {
      throw new IllegalStateException("cannot sign a DPoP proof: " + e.getMessage(), e);
    }
  }

  /** The tunnel proof's {@code htu} for a grant. */
  public static String tunnelUri(String grantId) {
    return "urn:hoop:tunnel:" + grantId;
  }

  /** {@code base64url(SHA-256(ASCII token))}, the proof's {@code ath}. */
  public static String ath(String accessToken) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(accessToken.getBytes(StandardCharsets.US_ASCII));
      return Base64URL.encode(digest).toString();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no SHA-256", e);
    }
  }

  static String htu(String uri) {
    int cut = uri.length();
    int query = uri.indexOf('?');
    int fragment = uri.indexOf('#');
    if (query >= 0) {
      cut = query;
    }
    if (fragment >= 0 && fragment < cut) {
      cut = fragment;
    }
    return uri.substring(0, cut);
  }

  private static String randomId() {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    return Base64URL.encode(bytes).toString();
  }

  @Override
  public String toString() {
    return "DpopKey[thumbprint=" + thumbprint + "]";
  }
}
