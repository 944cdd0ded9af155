package io.hoop.engine.kubernetes.testing;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.regex.Pattern;

/**
 * Test fixture: the kubeconfig of one grant's tunnel: one cluster at the tunnel's local port (plain
 * HTTP on loopback: the tunnel itself is TLS to the broker, and the broker holds the API server's
 * credential), one user with no credential, one context named after the target and the grant. It
 * holds nothing secret; it is still written mode 0600 and replaced atomically.
 *
 * @param target the target's name
 * @param grantId the grant
 * @param port the tunnel's local port on 127.0.0.1
 * @param namespace the context's namespace, null for the server's default
 */
public record Kubeconfig(String target, String grantId, int port, String namespace) {
  private static final Pattern NAME = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._-]{0,252}$");

  public Kubeconfig {
    requireNonNull(target, "target");
    requireNonNull(grantId, "grantId");
    for (String s : new String[] {target, grantId}) {
      if (!NAME.matcher(s).matches()) {
        throw new IllegalArgumentException(
            "'" + s + "' cannot name a kubeconfig context; expected letters, digits, . _ -");
      }
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " is out of range 1..65535");
    }
    if (namespace != null && !NAME.matcher(namespace).matches()) {
      throw new IllegalArgumentException("namespace '" + namespace + "' is not a valid name");
    }
  }

  /** The context (and cluster and user) name: {@code hoop-TARGET-GRANT}. */
  public String context() {
    return "hoop-" + target + "-" + grantId;
  }

  /** The kubeconfig's YAML (every value is a plain name, so no quoting is needed). */
  public String yaml() {
    String name = context();
    StringBuilder s = new StringBuilder();
    s.append("# written by hoop for grant ").append(grantId).append(" of target ").append(target);
    s.append("; no credential: the broker holds it\n");
    s.append("apiVersion: v1\nkind: Config\n");
    s.append("clusters:\n- name: ").append(name).append('\n');
    s.append("  cluster:\n    server: http://127.0.0.1:").append(port).append('\n');
    s.append("users:\n- name: ").append(name).append("\n  user: {}\n");
    s.append("contexts:\n- name: ").append(name).append('\n');
    s.append("  context:\n    cluster: ").append(name).append("\n    user: ").append(name);
    s.append('\n');
    if (namespace != null) {
      s.append("    namespace: ").append(namespace).append('\n');
    }
    s.append("current-context: ").append(name).append('\n');
    return s.toString();
  }

  /** Writes {@link #yaml()} to {@code file}, mode 0600, atomically replacing what was there. */
  public void write(Path file) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Path tmp = Files.createTempFile(dir, ".kubeconfig-", ".tmp");
    try {
      Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
      Files.writeString(tmp, yaml(), StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
