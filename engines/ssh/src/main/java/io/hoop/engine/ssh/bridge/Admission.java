package io.hoop.engine.ssh.bridge;

import static java.util.Objects.requireNonNull;

import io.hoop.tunnel.engine.Holds;
import io.hoop.tunnel.engine.TargetConnector;
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
 * @param holds where exec commands a review rule holds go ({@link Holds#NONE}: they are refused)
 * @param recordInput whether keystrokes of pty channels are reported ({@link BridgeEvent.Input})
 * @param connector how the bridge reaches {@code targetAddress}: over TCP, or through the agent the
 *     target sits behind
 */
public record Admission(
    String target,
    PublicKey userKey,
    InetSocketAddress targetAddress,
    List<PublicKey> pinnedHostKeys,
    String targetUser,
    TargetCredential credential,
    BridgePolicy policy,
    BridgeListener listener,
    Holds holds,
    boolean recordInput,
    TargetConnector connector) {

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
    requireNonNull(holds, "holds");
    requireNonNull(connector, "connector");
  }

  /** An admission to a target the bridge reaches over TCP. */
  public Admission(
      String target,
      PublicKey userKey,
      InetSocketAddress targetAddress,
      List<PublicKey> pinnedHostKeys,
      String targetUser,
      TargetCredential credential,
      BridgePolicy policy,
      BridgeListener listener,
      Holds holds,
      boolean recordInput) {
    this(
        target,
        userKey,
        targetAddress,
        pinnedHostKeys,
        targetUser,
        credential,
        policy,
        listener,
        holds,
        recordInput,
        TargetConnector.DIRECT);
  }

  /** An admission whose review rules refuse (no review process) and that records no input. */
  public Admission(
      String target,
      PublicKey userKey,
      InetSocketAddress targetAddress,
      List<PublicKey> pinnedHostKeys,
      String targetUser,
      TargetCredential credential,
      BridgePolicy policy,
      BridgeListener listener) {
    this(
        target,
        userKey,
        targetAddress,
        pinnedHostKeys,
        targetUser,
        credential,
        policy,
        listener,
        Holds.NONE,
        false);
  }

  /** This admission with {@code holds} for its review rules. */
  public Admission withHolds(Holds holds) {
    return new Admission(
        target,
        userKey,
        targetAddress,
        pinnedHostKeys,
        targetUser,
        credential,
        policy,
        listener,
        holds,
        recordInput,
        connector);
  }

  /** This admission reaching its target through {@code connector}. */
  public Admission withConnector(TargetConnector connector) {
    return new Admission(
        target,
        userKey,
        targetAddress,
        pinnedHostKeys,
        targetUser,
        credential,
        policy,
        listener,
        holds,
        recordInput,
        connector);
  }

  /** This admission with its events going to {@code listener}. */
  public Admission withListener(BridgeListener listener) {
    return new Admission(
        target,
        userKey,
        targetAddress,
        pinnedHostKeys,
        targetUser,
        credential,
        policy,
        listener,
        holds,
        recordInput,
        connector);
  }
}
