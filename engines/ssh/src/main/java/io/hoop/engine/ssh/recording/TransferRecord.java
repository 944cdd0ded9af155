package io.hoop.engine.ssh.recording;

import static java.util.Objects.requireNonNull;

import io.hoop.engine.ssh.policy.SftpOperation;
import java.time.Instant;

/**
 * A file operation over sftp or scp: the operation ({@code read} for downloads, {@code write} for
 * uploads, or remove, rename, ...), the normalized path (and the second path of a rename or
 * symlink), the bytes moved, and when it ended.
 */
public record TransferRecord(
    Protocol protocol,
    SftpOperation operation,
    String path,
    String otherPath,
    long bytes,
    Instant at) {
  /** How the file moved. */
  public enum Protocol {
    SFTP,
    SCP
  }

  public TransferRecord {
    requireNonNull(protocol, "protocol");
    requireNonNull(operation, "operation");
    requireNonNull(path, "path");
    requireNonNull(at, "at");
    if (bytes < 0) {
      throw new IllegalArgumentException("bytes must not be negative");
    }
  }
}
