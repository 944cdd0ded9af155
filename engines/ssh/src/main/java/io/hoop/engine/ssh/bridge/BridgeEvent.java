package io.hoop.engine.ssh.bridge;

import static java.util.Objects.requireNonNull;

/**
 * What the bridge reports for audit and recordings; every event names the admission's session key.
 */
public sealed interface BridgeEvent extends io.hoop.tunnel.engine.EngineEvent {

  String sessionKey();

  /** The target accepted the broker's login; the user's connection is bridged. */
  record Connected(String sessionKey, String target, String targetUser) implements BridgeEvent {}

  /**
   * The target could not be used (down, changed host key, refused login); message as the user saw
   * it.
   */
  record TargetFailed(String sessionKey, String message) implements BridgeEvent {}

  /** A channel request was refused: by a policy hook or because the bridge never allows it. */
  record Denied(String sessionKey, String kind, String detail, String reason)
      implements BridgeEvent {
    public Denied {
      requireNonNull(kind, "kind");
      requireNonNull(detail, "detail");
      requireNonNull(reason, "reason");
    }
  }

  /** A shell, exec, sftp or direct-tcpip channel was bridged to the target. */
  record ChannelStarted(String sessionKey, int channel, String kind, String detail, boolean pty)
      implements BridgeEvent {}

  /**
   * Terminal output of a pty channel (for asciicast recordings): bytes as the target sent them,
   * with a monotonic timestamp.
   */
  record Output(String sessionKey, int channel, long nanoTime, byte[] data)
      implements BridgeEvent {}

  /** A pty channel's window size changed. */
  record Resized(String sessionKey, int channel, int columns, int rows) implements BridgeEvent {}

  /** A bridged channel ended; exitStatus or exitSignal may be null. */
  record ChannelEnded(
      String sessionKey,
      int channel,
      String kind,
      String detail,
      Integer exitStatus,
      String exitSignal,
      long bytesToTarget,
      long bytesFromTarget)
      implements BridgeEvent {}

  /**
   * An sftp operation on a path (open-read, open-write, remove, rename, mkdir, ...), as requested.
   */
  record SftpOperation(String sessionKey, int channel, String op, String path, String otherPath)
      implements BridgeEvent {}

  /**
   * A file read or written over sftp (or scp, which OpenSSH 9 runs over sftp), reported on close.
   */
  record FileTransfer(
      String sessionKey, int channel, String path, long bytesWritten, long bytesRead)
      implements BridgeEvent {}

  /** The connection ended, by the user, the target, or {@link SshBridge#close}. */
  record Closed(String sessionKey, String reason) implements BridgeEvent {}

  /**
   * Who ended the connection, sent with {@link Closed}: {@code code} is {@code client_closed} (the
   * user's ssh client left), {@code target_closed} (the target's connection ended or failed) or
   * {@code broker_closed} ({@link SshBridge#close}: expiry, revoke, tunnel closed, shutdown).
   */
  record Ended(String sessionKey, String code, String message) implements BridgeEvent {
    public Ended {
      requireNonNull(code, "code");
      requireNonNull(message, "message");
    }
  }

  /**
   * Keystrokes of a pty channel, reported only when the admission records input; the recording
   * keeps only what the terminal echoed back (never what is typed at a no-echo prompt).
   */
  record Input(String sessionKey, int channel, long nanoTime, byte[] data) implements BridgeEvent {}

  /**
   * An operation a review rule sent to the target's reviewers: it waits, nothing reached the
   * target.
   *
   * @param kind {@code exec}
   * @param detail the command line
   * @param rule the rule that asked for review
   * @param holdId the id reviewers approve
   */
  record Held(
      String sessionKey, int channel, String kind, String detail, String rule, String holdId)
      implements BridgeEvent {}

  /** A held operation was approved by {@code by}: it runs now, once. */
  record HoldApproved(
      String sessionKey, int channel, String kind, String detail, String holdId, String by)
      implements BridgeEvent {}

  /**
   * A held operation will not run: denied by a reviewer, timed out, cancelled by the user (the
   * client closed the channel), the grant ended while it waited, or the hold could not be recorded
   * ({@code holdId} empty then). {@code reason} is the text the user saw.
   */
  record HoldRefused(
      String sessionKey,
      int channel,
      String kind,
      String detail,
      String holdId,
      String by,
      String reason)
      implements BridgeEvent {
    public HoldRefused {
      requireNonNull(kind, "kind");
      requireNonNull(detail, "detail");
      requireNonNull(holdId, "holdId");
      requireNonNull(by, "by");
      requireNonNull(reason, "reason");
    }
  }
}
