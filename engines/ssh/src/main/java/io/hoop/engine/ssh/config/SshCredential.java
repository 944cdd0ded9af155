package io.hoop.engine.ssh.config;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;

/**
 * The credential the broker logs in to the target with, by file: the files were checked at load
 * (regular, mode 0600 or 0400, owned by the broker's user) and are read when a session connects, so
 * the secret is never held in config.
 */
public sealed interface SshCredential {
  Path file();

  /** An OpenSSH or PEM private key file. */
  record PrivateKeyFile(Path file) implements SshCredential {
    public PrivateKeyFile {
      requireNonNull(file, "file");
    }
  }

  /** A file holding the password on its only line. */
  record PasswordFile(Path file) implements SshCredential {
    public PasswordFile {
      requireNonNull(file, "file");
    }
  }
}
