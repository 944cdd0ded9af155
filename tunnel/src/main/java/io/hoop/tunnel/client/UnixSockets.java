package io.hoop.tunnel.client;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** The file-system side of a tunnel listening on a Unix-domain socket: path, stale files, owner. */
public final class UnixSockets {
  /**
   * Longest socket path Linux accepts: {@code sun_path} is 108 bytes including the terminating NUL.
   */
  public static final int MAX_PATH_BYTES = 107;

  private static final int S_IFMT = 0170000;
  private static final int S_IFSOCK = 0140000;

  private UnixSockets() {}

  /** Length of {@code path} as the kernel counts it. */
  public static int pathBytes(Path path) {
    return path.toString().getBytes(StandardCharsets.UTF_8).length;
  }

  /**
   * The uid this process runs as, the only one allowed to connect. Linux's {@code /proc/self} is
   * owned by it; elsewhere a file this process creates is.
   */
  public static int processUid() throws IOException {
    Path self = Path.of("/proc/self");
    if (Files.isDirectory(self)) {
      return (Integer) Files.getAttribute(self, "unix:uid");
    }
    Path probe = Files.createTempFile("hoop-uid-", ".probe");
    try {
      return (Integer) Files.getAttribute(probe, "unix:uid");
    } finally {
      Files.deleteIfExists(probe);
    }
  }

  /** The uid owning {@code path} (following links). */
  public static int ownerUid(Path path) throws IOException {
    return (Integer) Files.getAttribute(path, "unix:uid");
  }

  /**
   * Why a peer may not use the tunnel, or null when it may: only the user running it, so that
   * neither another user nor root can ride its grant (unless hoop itself runs as root).
   */
  static String peerRefusal(int peerUid, int ownUid, Path socket) {
    if (peerUid == ownUid) {
      return null;
    }
    return "refused a connection on "
        + socket
        + " from uid "
        + peerUid
        + ": only uid "
        + ownUid
        + ", who runs this tunnel, may use it";
  }

  /** Refuses a path the kernel cannot bind. */
  static void requireShortEnough(Path socket) throws BindException {
    int bytes = pathBytes(socket);
    if (bytes > MAX_PATH_BYTES) {
      throw new BindException(
          "unix socket path "
              + socket
              + " is "
              + bytes
              + " bytes, longer than the "
              + MAX_PATH_BYTES
              + " bytes the kernel allows; choose a shorter directory");
    }
  }

  /**
   * Makes room for binding {@code socket}: nothing there is fine, a stale socket (nobody accepts on
   * it, e.g. left by a killed hoop) is removed, a live one or any other file is refused.
   */
  static void clearStale(Path socket) throws BindException {
    if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    if (!isSocket(socket)) {
      throw new BindException(
          socket + " exists and is not a Unix socket; remove it or choose another directory");
    }
    if (accepts(socket)) {
      throw new BindException(
          "another process is listening on "
              + socket
              + " (another hoop connect?); stop it or choose another socket directory");
    }
    try {
      Files.deleteIfExists(socket);
    } catch (IOException e) {
      throw bindError("cannot remove the stale socket " + socket + ": " + e.getMessage(), e);
    }
  }

  /** Only the owner may connect; directory permissions are the real guard, this is the second. */
  static void restrictToOwner(Path socket) throws BindException {
    try {
      // The kernel creates the file with the umask's mode and Java cannot bind with another one.
      Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
    } catch (IOException | UnsupportedOperationException e) {
      throw bindError("cannot make " + socket + " private (mode 0600): " + e.getMessage(), e);
    }
  }

  private static boolean isSocket(Path path) throws BindException {
    try {
      int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
      return (mode & S_IFMT) == S_IFSOCK;
    } catch (IOException | UnsupportedOperationException e) {
      throw bindError("cannot inspect " + path + ": " + e.getMessage(), e);
    }
  }

  /**
   * Whether a process holds {@code socket} bound. Linux lists bound socket paths in {@code
   * /proc/net/unix}, which answers without connecting: a probe connection to a live {@code hoop
   * connect} would open a tunnel to the broker (and an audited session) for nothing. A path not
   * listed there (or no such table) is probed by connecting, which a stale file refuses; that also
   * catches a listener that bound the same file under another name (through a symbolic link).
   */
  private static boolean accepts(Path socket) throws BindException {
    Path table = Path.of("/proc/net/unix");
    if (Files.isReadable(table)) {
      try (var lines = Files.lines(table, StandardCharsets.UTF_8)) {
        String path = socket.toString();
        // "Num RefCount Protocol Flags Type St Inode Path": the path is all after the 7th field.
        if (lines
            .skip(1)
            .map(l -> l.trim().split("\\s+", 8))
            .anyMatch(f -> f.length == 8 && f[7].equals(path))) {
          return true;
        }
      } catch (IOException | java.io.UncheckedIOException e) {
        // Fall back to connecting.
      }
    }
    try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      probe.connect(UnixDomainSocketAddress.of(socket));
      return true;
    } catch (ConnectException e) {
      // ECONNREFUSED: the file outlived its listener.
      return false;
    } catch (IOException e) {
      throw bindError("cannot tell whether " + socket + " is in use: " + e.getMessage(), e);
    }
  }

  private static BindException bindError(String message, Throwable cause) {
    BindException error = new BindException(message);
    error.initCause(cause);
    return error;
  }
}
