package io.hoop.engine.ssh.policy;

import java.util.Locale;

/** The sftp operations rules name, in config as lower case ({@code read}, {@code write}, ...). */
public enum SftpOperation {
  /** Opening a file for reading. */
  READ,
  /** Opening a file for writing, creating, truncating or appending. */
  WRITE,
  REMOVE,
  /** Checked on both the old and the new path. */
  RENAME,
  MKDIR,
  RMDIR,
  /** Changing attributes (mode, owner, times, size). */
  SETSTAT,
  /** Checked on both the link's path and the path it points to. */
  SYMLINK,
  READLINK,
  /** Listing a directory, and stat on a path. */
  LIST;

  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
