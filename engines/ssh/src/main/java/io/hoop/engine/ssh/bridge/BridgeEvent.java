package io.hoop.engine.ssh.bridge;

import static java.util.Objects.requireNonNull;

import io.hoop.api.SessionStatement;
import io.hoop.tunnel.engine.Refusal;
import io.hoop.tunnel.engine.SessionStep;
import java.time.Instant;
import java.util.List;

/**
 * What the bridge reports for audit and recordings; every event names the admission's session key.
 * Ended channels, file transfers, denials and a target that could not be used are steps of the
 * session's timeline ({@code hoop sessions show}); terminal output goes to the session's asciicast
 * recording instead.
 */
public sealed interface BridgeEvent extends io.hoop.tunnel.engine.EngineEvent {

  String sessionKey();

  /** The target accepted the broker's login; the user's connection is bridged. */
  record Connected(String sessionKey, String target, String targetUser) implements BridgeEvent {}

  /**
   * The target could not be used (down, changed host key, refused login); message as the user saw
   * it.
   */
  record TargetFailed(String sessionKey, String message) implements BridgeEvent, SessionStep {
    @Override
    public SessionStatement statement(int seq) {
      return step(seq, "connect", 0, "FAILED", false, "", message == null ? "" : message);
    }
  }

  /** A channel request was refused: by a policy hook or because the bridge never allows it. */
  record Denied(String sessionKey, String kind, String detail, String reason)
      implements BridgeEvent, SessionStep, Refusal {
    public Denied {
      requireNonNull(kind, "kind");
      requireNonNull(detail, "detail");
      requireNonNull(reason, "reason");
    }

    @Override
    public SessionStatement statement(int seq) {
      return step(seq, labelled(kind, detail), 0, "DENIED", true, reason, "");
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
      implements BridgeEvent, SessionStep {
    @Override
    public SessionStatement statement(int seq) {
      String outcome =
          exitStatus != null
              ? "exit " + exitStatus
              : exitSignal != null ? "signal " + exitSignal : "closed";
      return step(
          seq,
          labelled(kind, detail),
          bytesFromTarget,
          outcome + " in=" + bytesToTarget + " out=" + bytesFromTarget,
          false,
          "",
          "");
    }
  }

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
      implements BridgeEvent, SessionStep {
    @Override
    public SessionStatement statement(int seq) {
      return step(
          seq,
          "file: " + path,
          bytesWritten + bytesRead,
          "written=" + bytesWritten + " read=" + bytesRead,
          false,
          "",
          "");
    }
  }

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
      implements BridgeEvent, SessionStep {
    @Override
    public SessionStatement statement(int seq) {
      return step(
          seq, labelled(kind, detail), 0, "HELD " + holdId + " (" + rule + ")", false, "", "");
    }
  }

  /** A held operation was approved by {@code by}: it runs now, once. */
  record HoldApproved(
      String sessionKey, int channel, String kind, String detail, String holdId, String by)
      implements BridgeEvent, SessionStep {
    @Override
    public SessionStatement statement(int seq) {
      return step(
          seq, labelled(kind, detail), 0, "APPROVED " + holdId + " by " + by, false, "", "");
    }
  }

  /**
   * A held operation will not run: denied by a reviewer, timed out, cancelled by the user (the
   * client closed the channel), the grant ended while it waited, or the hold could not be recorded
   * ({@code holdId} empty then). {@code reason} is the text the user saw. A blocked step of the
   * timeline, and audited as a refusal (the hold's own decision is audited by the broker's holds).
   */
  record HoldRefused(
      String sessionKey,
      int channel,
      String kind,
      String detail,
      String holdId,
      String by,
      String reason)
      implements BridgeEvent, SessionStep, Refusal {
    public HoldRefused {
      requireNonNull(kind, "kind");
      requireNonNull(detail, "detail");
      requireNonNull(holdId, "holdId");
      requireNonNull(by, "by");
      requireNonNull(reason, "reason");
    }

    @Override
    public SessionStatement statement(int seq) {
      return step(seq, labelled(kind, detail), 0, "REFUSED", true, reason, "");
    }
  }

  private static String labelled(String kind, String detail) {
    return kind + (detail == null || detail.isEmpty() ? "" : ": " + detail);
  }

  private static SessionStatement step(
      int seq,
      String text,
      long size,
      String outcome,
      boolean blocked,
      String blockedBy,
      String error) {
    return new SessionStatement(
        seq, Instant.now(), 0, text, List.of(), size, outcome, 0, blocked, blockedBy, error);
  }
}
