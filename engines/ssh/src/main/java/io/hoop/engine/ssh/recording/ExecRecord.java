package io.hoop.engine.ssh.recording;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * What an exec channel did: the command, how it ended ({@code exitStatus}, or the {@code
 * exitSignal} that killed it, either may be null when the channel closed without them), the bytes
 * the client sent in (stdin) and received out (stdout and stderr), and when.
 */
public record ExecRecord(
    String command,
    Integer exitStatus,
    String exitSignal,
    long bytesIn,
    long bytesOut,
    Instant started,
    Instant ended) {
  public ExecRecord {
    requireNonNull(command, "command");
    requireNonNull(started, "started");
    requireNonNull(ended, "ended");
    if (bytesIn < 0 || bytesOut < 0) {
      throw new IllegalArgumentException("byte counts must not be negative");
    }
  }
}
