package io.hoop.engine.kubernetes.config;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;

/**
 * What the broker presents to the API server for a role: files, read when a tunnel opens, so a
 * rotated token needs no restart. The records hold paths only, never the secret.
 */
public sealed interface KubeCredential {
  /** A bearer token file (a service account's token), mode 0600 or 0400. */
  record TokenFile(Path path) implements KubeCredential {
    public TokenFile {
      requireNonNull(path, "path");
    }
  }

  /** A client certificate (PEM) and its private key (PEM, mode 0600 or 0400). */
  record ClientCertificate(Path certFile, Path keyFile) implements KubeCredential {
    public ClientCertificate {
      requireNonNull(certFile, "certFile");
      requireNonNull(keyFile, "keyFile");
    }
  }
}
