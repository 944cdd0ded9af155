package io.hoop.broker.identity;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.util.Base64URL;
import java.util.Set;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * Verifies {@code alg: EdDSA} (Ed25519) signatures with BouncyCastle, for DPoP proofs and issuers'
 * tokens alike. Its public key keeps the decoded curve point, so a kept verifier skips the point
 * decompression; a verification costs a fraction of the CPU and memory of a P-256 one (the JDK's
 * Ed25519 is ~10x slower: bench/src/DpopSignBench.java).
 */
public final class Ed25519Verifier implements JWSVerifier {
  private final Ed25519PublicKeyParameters key;
  private final JCAContext context = new JCAContext();

  /**
   * @param x the 32-byte encoded public key
   * @throws IllegalArgumentException when {@code x} is not a 32-byte encoding of a curve point
   */
  public Ed25519Verifier(byte[] x) {
    if (x.length != Ed25519PublicKeyParameters.KEY_SIZE) {
      throw new IllegalArgumentException(
          "Ed25519 key has "
              + x.length
              + " bytes; expected "
              + Ed25519PublicKeyParameters.KEY_SIZE);
    }
    this.key = new Ed25519PublicKeyParameters(x);
  }

  @Override
  public boolean verify(JWSHeader header, byte[] signingInput, Base64URL signature) {
    // RFC 7515: a critical header parameter this verifier does not understand fails the proof.
    Set<String> critical = header.getCriticalParams();
    if (!JWSAlgorithm.EdDSA.equals(header.getAlgorithm())
        || (critical != null && !critical.isEmpty())) {
      return false;
    }
    byte[] sig = signature.decode();
    if (sig.length != Ed25519PublicKeyParameters.KEY_SIZE * 2) {
      return false;
    }
    Ed25519Signer verifier = new Ed25519Signer();
    verifier.init(false, key);
    verifier.update(signingInput, 0, signingInput.length);
    return verifier.verifySignature(sig);
  }

  @Override
  public Set<JWSAlgorithm> supportedJWSAlgorithms() {
    return Set.of(JWSAlgorithm.EdDSA);
  }

  @Override
  public JCAContext getJCAContext() {
    return context;
  }
}
