package io.hoop.cli.identity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.util.Base64URL;
import java.security.MessageDigest;
import java.util.Set;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * Signs {@code alg: EdDSA} (Ed25519) JWS with BouncyCastle: nimbus signs Ed25519 only through
 * Google Tink, which hoop does not ship.
 */
final class Ed25519ProofSigner implements JWSSigner {
  private final Ed25519PrivateKeyParameters key;
  private final JCAContext context = new JCAContext();

  Ed25519ProofSigner(OctetKeyPair okp) {
    byte[] d = okp.getDecodedD();
    if (d == null || d.length != Ed25519PrivateKeyParameters.KEY_SIZE) {
      throw new IllegalArgumentException(
          "Ed25519 DPoP key must have a 32-byte private part, got "
              + (d == null ? "none" : d.length + " bytes"));
    }
    this.key = new Ed25519PrivateKeyParameters(d);
    // A damaged key file would otherwise show up only as the broker refusing every proof.
    if (!MessageDigest.isEqual(key.generatePublicKey().getEncoded(), okp.getDecodedX())) {
      throw new IllegalArgumentException(
          "Ed25519 DPoP key is damaged: its public part does not match its private part");
    }
  }

  @Override
  public Base64URL sign(JWSHeader header, byte[] signingInput) throws JOSEException {
    if (!JWSAlgorithm.EdDSA.equals(header.getAlgorithm())) {
      throw new JOSEException("an Ed25519 key signs alg EdDSA, not " + header.getAlgorithm());
    }
    // Ed25519 signatures are deterministic: no randomness to get wrong on the signing side.
    Ed25519Signer signer = new Ed25519Signer();
    signer.init(true, key);
    signer.update(signingInput, 0, signingInput.length);
    return Base64URL.encode(signer.generateSignature());
  }

  @Override
  public Set<JWSAlgorithm> supportedJWSAlgorithms() {
    return Set.of(JWSAlgorithm.EdDSA);
  }

  @Override
  public JCAContext getJCAContext() {
    return context;
  }

  @Override
  public String toString() {
    return "Ed25519ProofSigner[private key hidden]";
  }
}
