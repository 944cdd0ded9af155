package io.hoop.broker.identity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.JWSVerifierFactory;
import com.nimbusds.jose.proc.SecurityContext;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.EdECPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Ed25519 ({@code alg: EdDSA}) for issuers' tokens: nimbus only verifies EdDSA through Google Tink,
 * which the broker does not ship, so keys are selected here and checked by {@link Ed25519Verifier}.
 */
public final class EdDsaSupport {
  // DER prefix of an Ed25519 SubjectPublicKeyInfo; the 32-byte public key follows.
  private static final byte[] SPKI_PREFIX = {
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00
  };

  private EdDsaSupport() {}

  /** The issuer's Ed25519 keys matching the header, as JDK public keys. */
  public static List<Key> selectKeys(JWSHeader header, JWKSource<SecurityContext> source)
      throws KeySourceException {
    List<Key> keys = new ArrayList<>();
    for (JWK jwk : source.get(new JWKSelector(JWKMatcher.forJWSHeader(header)), null)) {
      if (jwk instanceof OctetKeyPair okp && Curve.Ed25519.equals(okp.getCurve())) {
        keys.add(toPublicKey(okp));
      }
    }
    return keys;
  }

  private static PublicKey toPublicKey(OctetKeyPair okp) throws KeySourceException {
    byte[] x = okp.getDecodedX();
    if (x.length != 32) {
      throw new KeySourceException(
          "Ed25519 key " + okp.getKeyID() + " has " + x.length + " bytes; expected 32");
    }
    byte[] spki = new byte[SPKI_PREFIX.length + x.length];
    System.arraycopy(SPKI_PREFIX, 0, spki, 0, SPKI_PREFIX.length);
    System.arraycopy(x, 0, spki, SPKI_PREFIX.length, x.length);
    try {
      return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
    } catch (GeneralSecurityException e) {
      throw new KeySourceException("cannot load Ed25519 key " + okp.getKeyID(), e);
    }
  }

  /** The 32-byte public key inside a JDK Ed25519 key's X.509 encoding. */
  private static byte[] rawKey(EdECPublicKey key) throws JOSEException {
    byte[] spki = key.getEncoded();
    if (spki == null
        || spki.length != SPKI_PREFIX.length + 32
        || !Arrays.equals(spki, 0, SPKI_PREFIX.length, SPKI_PREFIX, 0, SPKI_PREFIX.length)) {
      throw new JOSEException("not an X.509 encoded Ed25519 public key");
    }
    return Arrays.copyOfRange(spki, SPKI_PREFIX.length, spki.length);
  }

  /** Nimbus's default factory, plus EdDSA over JDK keys. */
  public static JWSVerifierFactory verifierFactory() {
    DefaultJWSVerifierFactory defaults = new DefaultJWSVerifierFactory();
    return new JWSVerifierFactory() {
      @Override
      public JWSVerifier createJWSVerifier(JWSHeader header, Key key) throws JOSEException {
        if (JWSAlgorithm.EdDSA.equals(header.getAlgorithm()) && key instanceof EdECPublicKey ed) {
          return new Ed25519Verifier(rawKey(ed));
        }
        return defaults.createJWSVerifier(header, key);
      }

      @Override
      public Set<JWSAlgorithm> supportedJWSAlgorithms() {
        Set<JWSAlgorithm> all = new HashSet<>(defaults.supportedJWSAlgorithms());
        all.add(JWSAlgorithm.EdDSA);
        return all;
      }

      @Override
      public JCAContext getJCAContext() {
        return defaults.getJCAContext();
      }
    };
  }
}
