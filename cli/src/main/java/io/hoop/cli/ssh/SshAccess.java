package io.hoop.cli.ssh;

import io.hoop.api.Grant;
import io.hoop.api.TargetConnection;
import io.hoop.cli.HoopException;
import io.hoop.cli.broker.BrokerSession;
import io.hoop.cli.sessions.SessionsApi;
import java.util.Map;
import java.util.Objects;

/**
 * The SSH side of one grant on a target the broker runs the ssh engine for: a fresh key pair and
 * the files pointing OpenSSH at the local port. Closing it removes the files (and so the key).
 *
 * @param key the grant's ephemeral key; its public half goes in every tunnel handshake
 * @param files the key, known_hosts and ssh_config files
 */
public record SshAccess(EphemeralKey key, SshFiles files) implements AutoCloseable {
  /** The engine name of ssh targets in {@code GET /v1/targets/{name}/connection}. */
  public static final String ENGINE = "ssh";

  public SshAccess {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(files, "files");
  }

  /** Whether targets of {@code targetType} are SSH hosts. */
  public static boolean isSsh(String targetType) {
    return ENGINE.equalsIgnoreCase(targetType);
  }

  /**
   * Prepares SSH access for {@code grant} on local {@code port}; null when the target is not an ssh
   * engine target (a plain TCP relay to an SSH server needs none).
   */
  public static SshAccess prepare(
      BrokerSession session, Grant grant, int port, Map<String, String> env) {
    if (!isSsh(grant.targetType())) {
      return null;
    }
    TargetConnection c = new SessionsApi(session).connection(grant.target());
    if (!ENGINE.equals(c.engine())) {
      return null;
    }
    return prepare(c, grant.target(), port, env);
  }

  /** Prepares SSH access to {@code target} as {@code c} describes it. */
  public static SshAccess prepare(
      TargetConnection c, String target, int port, Map<String, String> env) {
    if (c.sshHostKey() == null) {
      throw new HoopException(
          "broker sent no SSH host key for "
              + target
              + "; cannot pin it, so hoop will not connect (upgrade the broker?)");
    }
    EphemeralKey key = EphemeralKey.generate();
    return new SshAccess(key, SshFiles.write(key, target, c.sshHostKey(), c.sshUser(), port, env));
  }

  @Override
  public void close() {
    files.close();
  }

  @Override
  public String toString() {
    return "SshAccess[" + files.directory() + "]";
  }
}
