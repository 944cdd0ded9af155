package io.hoop.engine.ssh.bridge;

import static java.util.Objects.requireNonNull;

import java.net.InetSocketAddress;
import java.security.PublicKey;
import java.util.List;

/**
 * What one admitted grant may do through the bridge: the user's ephemeral key (the only way in),
 * the target with its pinned host keys, the broker-held login, the policy hooks and the event
 * listener.
 *
 * @param target the target's name, shown in messages and choosing the bridge's host key
 * @param userKey the public key the user's ssh client must authenticate with
 * @param targetAddress where the target's sshd listens
 * @param pinnedHostKeys the target host keys to accept; anything else is refused (never TOFU)
 * @param targetUser the account on the target
 * @param credential the broker-held credential for targetUser
 */
public record Admission(
    String target,
    PublicKey userKey,
    InetSocketAddress targetAddress,
    List<PublicKey> pinnedHostKeys,
    String targetUser,
    TargetCredential credential,
    BridgePolicy policy,
    BridgeListener listener) {

  public Admission {
    requireNonNull(target, "target");
    requireNonNull(userKey, "userKey");
    requireNonNull(targetAddress, "targetAddress");
    pinnedHostKeys = List.copyOf(requireNonNull(pinnedHostKeys, "pinnedHostKeys"));
    if (pinnedHostKeys.isEmpty()) {
      throw new IllegalArgumentException(
          "pinnedHostKeys of target " + target + " is empty; expected at least one host key");
    }
    requireNonNull(targetUser, "targetUser");
    requireNonNull(credential, "credential");
    requireNonNull(policy, "policy");
    requireNonNull(listener, "listener");
  }
}
