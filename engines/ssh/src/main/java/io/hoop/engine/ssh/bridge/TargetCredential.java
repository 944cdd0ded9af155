package io.hoop.engine.ssh.bridge;

import static java.util.Objects.requireNonNull;

import java.security.KeyPair;

/** The credential the broker holds for the target user; never shown to the user nor logged. */
public sealed interface TargetCredential {

  /** Public key authentication with a broker-held key pair. */
  record Key(KeyPair keyPair) implements TargetCredential {
    public Key {
      requireNonNull(keyPair, "keyPair");
    }

    @Override
    public String toString() {
      return "Key[***]";
    }
  }

  /** Password authentication with a broker-held password. */
  record Password(String password) implements TargetCredential {
    public Password {
      requireNonNull(password, "password");
    }

    @Override
    public String toString() {
      return "Password[***]";
    }
  }
}
