package io.hoop.engine.ssh.engine;

import static java.util.Objects.requireNonNull;

import io.hoop.engine.ssh.bridge.Admission;
import io.hoop.engine.ssh.bridge.BridgeListener;
import io.hoop.engine.ssh.bridge.BridgePolicy;
import io.hoop.engine.ssh.bridge.TargetCredential;
import io.hoop.engine.ssh.bridge.Verdict;
import io.hoop.engine.ssh.config.HostKey;
import io.hoop.engine.ssh.config.SshCredential;
import io.hoop.engine.ssh.config.SshRole;
import io.hoop.engine.ssh.config.SshRolePolicy;
import io.hoop.engine.ssh.config.SshTarget;
import io.hoop.engine.ssh.policy.Action;
import io.hoop.engine.ssh.policy.Decision;
import io.hoop.engine.ssh.policy.ExecGuard;
import io.hoop.engine.ssh.policy.SftpGuard;
import io.hoop.engine.ssh.policy.SftpPolicy;
import io.hoop.engine.ssh.policy.ShellGuard;
import io.hoop.tunnel.engine.Holds;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.Iterator;
import java.util.TreeSet;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.common.util.io.resource.PathResource;
import org.apache.sshd.common.util.security.SecurityUtils;

/**
 * Builds the ssh engine's settings for an authorized tunnel: the role's target user and credential
 * (read from the broker's files at admission), the target's pinned host keys, the grant's ephemeral
 * user key from the handshake, and a {@link BridgePolicy} from the role's guardrails.
 *
 * <p>An exec rule that asks for review holds the command through the session's {@link Holds}
 * ({@link Holds#NONE} until the broker passes its own: then review refuses, naming why). Shell and
 * sftp review rules refuse: a whole shell or one sftp packet cannot wait for a reviewer.
 */
public final class SshAdmissions {
  /** The longest OpenSSH public key line accepted from a handshake. */
  public static final int MAX_KEY_LINE = 16 * 1024;

  private SshAdmissions() {}

  /**
   * Settings for a tunnel of the grant to {@code targetName} at {@code host:port}, as {@code
   * roleName} (null: the target's default role), admitting {@code userKeyLine}.
   */
  public static SshSettings settings(
      String targetName,
      String host,
      int port,
      SshTarget target,
      String roleName,
      String userKeyLine,
      BridgeListener listener)
      throws SshAdmissionException {
    return settings(targetName, host, port, target, roleName, userKeyLine, listener, Holds.NONE);
  }

  /**
   * Settings as {@link #settings(String, String, int, SshTarget, String, String, BridgeListener)},
   * with the session's {@code holds} (the broker's {@code Admission.holds()}) for review rules.
   */
  public static SshSettings settings(
      String targetName,
      String host,
      int port,
      SshTarget target,
      String roleName,
      String userKeyLine,
      BridgeListener listener,
      Holds holds)
      throws SshAdmissionException {
    requireNonNull(targetName, "targetName");
    requireNonNull(holds, "holds");
    requireNonNull(target, "target");
    requireNonNull(listener, "listener");
    String name = roleName == null ? target.defaultRole() : roleName;
    SshRole role = target.roles().get(name);
    if (role == null) {
      throw new SshAdmissionException(
          "unknown_role",
          "role '"
              + name
              + "' is not a role of target "
              + targetName
              + " (roles: "
              + new TreeSet<>(target.roles().keySet())
              + ")");
    }
    PublicKey userKey = userKey(targetName, userKeyLine);
    return new SshSettings(
        new Admission(
            targetName,
            userKey,
            new InetSocketAddress(host, port),
            target.hostKeys().stream().map(HostKey::publicKey).toList(),
            role.user(),
            credential(targetName, role),
            policy(role.policy()),
            listener,
            holds,
            role.policy().recordInput()));
  }

  /** The grant's ephemeral key from the handshake: one OpenSSH public key line, no options. */
  static PublicKey userKey(String targetName, String line) throws SshAdmissionException {
    if (line == null || line.isBlank()) {
      throw new SshAdmissionException(
          "ssh_key_missing",
          "target "
              + targetName
              + " is an ssh target: the handshake must carry the grant's ssh public key (use a"
              + " hoop that supports ssh targets)");
    }
    String l = line.strip();
    if (l.length() > MAX_KEY_LINE
        || l.indexOf('\n') >= 0
        || l.indexOf('\r') >= 0
        || !(l.startsWith("ssh-") || l.startsWith("ecdsa-"))) {
      throw malformed(targetName);
    }
    try {
      AuthorizedKeyEntry entry = AuthorizedKeyEntry.parseAuthorizedKeyEntry(l);
      if (entry == null
          || (entry.getLoginOptions() != null && !entry.getLoginOptions().isEmpty())) {
        throw malformed(targetName);
      }
      PublicKey key = entry.resolvePublicKey(null, PublicKeyEntryResolver.FAILING);
      if (key == null) {
        throw malformed(targetName);
      }
      return key;
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      throw malformed(targetName);
    }
  }

  private static SshAdmissionException malformed(String targetName) {
    return new SshAdmissionException(
        "ssh_key_malformed",
        "the handshake's ssh public key for target "
            + targetName
            + " is not one OpenSSH public key line (e.g. ssh-ed25519 AAAA...)");
  }

  private static TargetCredential credential(String targetName, SshRole role)
      throws SshAdmissionException {
    SshCredential c = role.credential();
    try {
      if (c instanceof SshCredential.PasswordFile p) {
        return new TargetCredential.Password(
            Files.readString(p.file(), StandardCharsets.UTF_8).strip());
      }
      try (InputStream in = Files.newInputStream(c.file())) {
        Iterable<KeyPair> pairs =
            SecurityUtils.loadKeyPairIdentities(null, new PathResource(c.file()), in, null);
        Iterator<KeyPair> it = pairs == null ? null : pairs.iterator();
        if (it == null || !it.hasNext()) {
          throw new IOException("no key pair");
        }
        return new TargetCredential.Key(it.next());
      }
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      // the file's name is configuration, its content is not: never put the content in a message
      throw new SshAdmissionException(
          "target_credential_unreadable",
          "the broker cannot read the credential of role "
              + role.name()
              + " of target "
              + targetName
              + " ("
              + e.getClass().getSimpleName()
              + "); tell the broker's operator");
    }
  }

  /** The role's guardrails as bridge hooks: exec review holds, shell review refuses. */
  public static BridgePolicy policy(SshRolePolicy role) {
    requireNonNull(role, "role");
    return BridgePolicy.denyAll()
        .withExec(command -> verdict(ExecGuard.decide(command, role.exec())))
        .withShell(() -> shell(ShellGuard.decide(role.shell())))
        .withSftp(sftp(role.sftp()))
        .withDirectTcpip(
            (host, port) ->
                role.forwarding().allowsLocal(host, port)
                    ? Verdict.allow()
                    : Verdict.deny(
                        "denied: port forwarding to "
                            + host
                            + ":"
                            + port
                            + " is not allowed for this role"));
  }

  private static Verdict verdict(Decision d) {
    return switch (d.action()) {
      case ALLOW -> Verdict.allow();
      case DENY -> Verdict.deny(d.message());
      case REVIEW -> Verdict.review(d.rule(), d.message());
    };
  }

  private static Verdict shell(Decision d) {
    return d.action() == Action.REVIEW
        ? Verdict.deny(
            d.message() + "; an interactive shell cannot wait for review, so it is denied")
        : verdict(d);
  }

  /**
   * The sftp subsystem: unchecked when the role has no sftp rules; otherwise every request is
   * checked by the bridge's gate against the rules ({@link SftpGuard}); sftp review rules refuse
   * (one packet cannot wait for a reviewer).
   */
  public static BridgePolicy.SftpCheck sftp(SftpPolicy policy) {
    if (policy.rules().isEmpty() && policy.defaultAction() == Action.ALLOW) {
      return BridgePolicy.SftpCheck.allowAll();
    }
    return BridgePolicy.SftpCheck.perOperation(
        (op, path, otherPath) ->
            verdict(
                otherPath.isEmpty()
                    ? SftpGuard.decide(op, path, "/", policy)
                    : SftpGuard.decide(op, path, otherPath, "/", policy)));
  }
}
