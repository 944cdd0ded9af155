package io.hoop.broker.sessions;

import io.hoop.api.SessionStatement;
import io.hoop.engine.ssh.bridge.BridgeEvent;
import java.time.Instant;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * An ssh session's events as session statements, so {@code hoop sessions show} lists them next to
 * postgres statements: each ended exec (command, exit status, bytes each way), shell, sftp and
 * forwarding channel; each file transfer (name and sizes); each denial (blocked, with the reason);
 * a target that could not be used (error). Terminal output is not a statement (it goes to the
 * session's asciicast recording).
 */
final class SshStatements {
  private SshStatements() {}

  /** The statement for {@code event}, numbered by {@code seq}; null for events not listed. */
  static SessionStatement of(IntSupplier seq, BridgeEvent event) {
    Instant now = Instant.now();
    if (event instanceof BridgeEvent.ChannelEnded e) {
      return new SessionStatement(
          seq.getAsInt(),
          now,
          0,
          e.kind() + (e.detail() == null || e.detail().isEmpty() ? "" : ": " + e.detail()),
          List.of(),
          e.bytesFromTarget(),
          (e.exitStatus() != null
                  ? "exit " + e.exitStatus()
                  : e.exitSignal() != null ? "signal " + e.exitSignal() : "closed")
              + " in="
              + e.bytesToTarget()
              + " out="
              + e.bytesFromTarget(),
          0,
          false,
          "",
          "");
    }
    if (event instanceof BridgeEvent.FileTransfer e) {
      return new SessionStatement(
          seq.getAsInt(),
          now,
          0,
          "file: " + e.path(),
          List.of(),
          e.bytesWritten() + e.bytesRead(),
          "written=" + e.bytesWritten() + " read=" + e.bytesRead(),
          0,
          false,
          "",
          "");
    }
    if (event instanceof BridgeEvent.Denied e) {
      return new SessionStatement(
          seq.getAsInt(),
          now,
          0,
          e.kind() + (e.detail().isEmpty() ? "" : ": " + e.detail()),
          List.of(),
          0,
          "DENIED",
          0,
          true,
          e.reason(),
          "");
    }
    if (event instanceof BridgeEvent.TargetFailed e) {
      return new SessionStatement(
          seq.getAsInt(),
          now,
          0,
          "connect",
          List.of(),
          0,
          "FAILED",
          0,
          false,
          "",
          e.message() == null ? "" : e.message());
    }
    return null;
  }
}
