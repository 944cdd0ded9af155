package io.hoop.cli.identity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jwt.SignedJWT;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/** Test helper: checks a proof's signature with the public key in its own header. */
public final class Proofs {
  private Proofs() {}

  /**
   * Whether {@code proof} verifies with {@code key} (Ed25519 through BouncyCastle, EC by nimbus).
   */
  public static boolean verifies(SignedJWT proof, JWK key) throws JOSEException {
    if (key instanceof ECKey ec) {
      return proof.verify(new ECDSAVerifier(ec.toPublicJWK()));
    }
    OctetKeyPair okp = (OctetKeyPair) key;
    Ed25519Signer v = new Ed25519Signer();
    v.init(false, new Ed25519PublicKeyParameters(okp.getDecodedX()));
    byte[] input = proof.getSigningInput();
    v.update(input, 0, input.length);
    return v.verifySignature(proof.getSignature().decode());
  }

  /** Whether {@code proof} verifies with the key in its header. */
  public static boolean selfVerifies(String proof) throws Exception {
    SignedJWT jwt = SignedJWT.parse(proof);
    return verifies(jwt, jwt.getHeader().getJWK());
  }
}
