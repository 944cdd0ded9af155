package io.hoop.cli.ssh;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.util.OpenSSHPrivateKeyUtil;
import org.bouncycastle.crypto.util.OpenSSHPublicKeyUtil;

/**
 * The Ed25519 key pair one grant's SSH connections log in with: made fresh for each run of {@code
 * hoop connect} or {@code hoop exec}, offered to the broker in the tunnel handshake, never stored
 * beyond the run.
 */
public final class EphemeralKey {
  private final String publicKey;
  private final byte[] privateKeyFile;

  private EphemeralKey(String publicKey, byte[] privateKeyFile) {
    this.publicKey = publicKey;
    this.privateKeyFile = privateKeyFile;
  }

  /** A new key pair from a strong random source. */
  public static EphemeralKey generate() {
    try {
      return generateOrThrow();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot encode an Ed25519 key in OpenSSH format", e);
    }
  }

  private static EphemeralKey generateOrThrow() throws java.io.IOException {
    Ed25519PrivateKeyParameters priv = new Ed25519PrivateKeyParameters(new SecureRandom());
    String pub =
        "ssh-ed25519 "
            + Base64.getEncoder()
                .encodeToString(OpenSSHPublicKeyUtil.encodePublicKey(priv.generatePublicKey()));
    String body =
        Base64.getMimeEncoder(70, new byte[] {'\n'})
            .encodeToString(OpenSSHPrivateKeyUtil.encodePrivateKey(priv));
    String pem =
        "-----BEGIN OPENSSH PRIVATE KEY-----\n" + body + "\n-----END OPENSSH PRIVATE KEY-----\n";
    return new EphemeralKey(pub, pem.getBytes(StandardCharsets.US_ASCII));
  }

  /**
   * The public key as an {@code authorized_keys} line without comment, {@code ssh-ed25519 AAAA...}.
   */
  public String publicKey() {
    return publicKey;
  }

  /** The private key in OpenSSH's own format (what {@code ssh -i} reads), unencrypted. */
  byte[] privateKeyFile() {
    return privateKeyFile.clone();
  }

  @Override
  public String toString() {
    return "EphemeralKey[" + publicKey + ", private=<redacted>]";
  }
}
