package io.hoop.cli.connect;

import io.hoop.api.Grant;
import io.hoop.cli.HoopException;
import io.hoop.tunnel.client.UnixSockets;
import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Map;
import java.util.Set;

/**
 * The directory of a {@code hoop connect --unix-socket} tunnel and its socket file: either a fresh
 * private directory hoop made (removed afterwards) or the user's own (kept; only the socket goes).
 * Both are removed on close and, should the JVM be stopped (SIGTERM), by a shutdown hook.
 */
public final class SocketDirectory implements AutoCloseable {
  /** The port libpq names its socket after when none is given. */
  public static final int POSTGRES_PORT = 5432;

  private static final FileAttribute<Set<PosixFilePermission>> PRIVATE =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rwx------");
  private static final int GROUP_OR_OTHER_WRITE = 0022;
  private static final int STICKY = 01000;
  private static final String SUFFIX_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789";

  private final Path directory;
  private final boolean created;
  private final Path socket;
  private final int libpqPort;
  private final Thread cleanupHook;

  /**
   * Set once this process listens on the socket: before that, a file at the path in a directory the
   * user gave may be another {@code hoop connect}'s live socket, which must not be removed.
   */
  private volatile boolean bound;

  private SocketDirectory(Path directory, boolean created, Path socket, int libpqPort) {
    this.directory = directory;
    this.created = created;
    this.socket = socket;
    this.libpqPort = libpqPort;
    this.cleanupHook = new Thread(this::remove, "hoop-socket-cleanup");
    Runtime.getRuntime().addShutdownHook(cleanupHook);
  }

  /**
   * Picks the socket file for {@code grant}: in {@code given} when not null (checked with {@link
   * #checkGiven}), else in a new private directory under {@code $XDG_RUNTIME_DIR} or {@code
   * java.io.tmpdir}.
   *
   * @param port the {@code --port} option, which names a postgres socket (0: {@value
   *     #POSTGRES_PORT})
   */
  public static SocketDirectory open(Path given, Grant grant, int port, Map<String, String> env) {
    return open(given, grant.target(), grant.targetType(), port, env);
  }

  /**
   * Picks the socket file for a grant on {@code target} of type {@code targetType}, before the
   * grant exists: the socket is bound before the grant is asked for, so a bad path costs no grant.
   */
  public static SocketDirectory open(
      Path given, String target, String targetType, int port, Map<String, String> env) {
    boolean postgres = ConnectionHints.isPostgres(targetType);
    String name = fileName(target, postgres, port);
    int libpqPort = postgres ? postgresPort(port) : 0;
    if (given != null) {
      Path dir = checkGiven(given);
      return new SocketDirectory(
          dir, false, requireShortEnough(dir.resolve(name), true), libpqPort);
    }
    Path dir = createPrivate(env);
    Path socket = dir.resolve(name);
    if (UnixSockets.pathBytes(socket) > UnixSockets.MAX_PATH_BYTES) {
      deleteQuietly(dir);
      requireShortEnough(socket, false);
    }
    return new SocketDirectory(dir, true, socket, libpqPort);
  }

  /**
   * A directory the user names must be theirs and private (no permission for group or others), or
   * someone could swap the socket for their own or connect in the moment between bind and chmod
   * (where no peer-credential check runs, the directory is the only guard); returns it resolved
   * through symbolic links.
   */
  public static Path checkGiven(Path given) {
    Path dir;
    try {
      dir = given.toRealPath();
    } catch (IOException e) {
      dir = given.toAbsolutePath().normalize();
    }
    if (dir.toString().contains(",")) {
      // libpq reads a comma in host= as a list of hosts.
      throw new HoopException.Usage(
          "--socket-dir " + given + " contains a comma, which libpq would split: give another one");
    }
    if (!Files.isDirectory(dir)) {
      throw new HoopException.Usage(
          "--socket-dir "
              + given
              + " is not an existing directory: create it first (mkdir -m 700 "
              + given
              + ") or leave --socket-dir out for a private one");
    }
    try {
      int owner = UnixSockets.ownerUid(dir);
      int me = UnixSockets.processUid();
      if (owner != me) {
        throw new HoopException.Usage(
            "--socket-dir "
                + given
                + " belongs to uid "
                + owner
                + ", not to you (uid "
                + me
                + "): give a directory you own, or leave --socket-dir out");
      }
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(dir);
      if (!OWNER_ONLY.containsAll(perms)) {
        throw new HoopException.Usage(
            "--socket-dir "
                + given
                + " is open to others (mode "
                + PosixFilePermissions.toString(perms)
                + "): run chmod 700 "
                + given
                + " or give a private directory");
      }
      Path swappable = swappableAncestor(dir);
      if (swappable != null) {
        throw new HoopException.Usage(
            "--socket-dir "
                + given
                + " lies under "
                + swappable
                + ", which others may write to without the sticky bit, so they could replace the"
                + " directory itself: give one under your home or $XDG_RUNTIME_DIR");
      }
    } catch (IOException | UnsupportedOperationException e) {
      throw new HoopException.Usage(
          "cannot check --socket-dir " + given + " (" + e.getMessage() + "): give another one");
    }
    return dir;
  }

  /**
   * The first ancestor of {@code dir} that group or others may write to without the sticky bit (in
   * which anyone could rename {@code dir}'s ancestors away and put their own in place), or null.
   * {@code /tmp}'s sticky bit lets only owners rename their entries.
   */
  private static Path swappableAncestor(Path dir) throws IOException {
    for (Path p = dir.getParent(); p != null; p = p.getParent()) {
      int mode = (Integer) Files.getAttribute(p, "unix:mode");
      if ((mode & (GROUP_OR_OTHER_WRITE)) != 0 && (mode & STICKY) == 0) {
        return p;
      }
    }
    return null;
  }

  /** libpq's {@code .s.PGSQL.<port>} for postgres targets, {@code <target>.sock} otherwise. */
  public static String fileName(Grant grant, int port) {
    return fileName(grant.target(), ConnectionHints.isPostgres(grant), port);
  }

  static String fileName(String target, boolean postgres, int port) {
    if (postgres) {
      return ".s.PGSQL." + postgresPort(port);
    }
    // Target names are plain words; anything else must not reach the file system as a path.
    return target.replaceAll("[^A-Za-z0-9._-]", "_") + ".sock";
  }

  /** The port a postgres socket is named after: {@code --port}, else {@value #POSTGRES_PORT}. */
  public static int postgresPort(int port) {
    return port == 0 ? POSTGRES_PORT : port;
  }

  public Path directory() {
    return directory;
  }

  public Path socket() {
    return socket;
  }

  /** The socket as an endpoint: for postgres targets with the port libpq names it after. */
  public LocalEndpoint endpoint() {
    return LocalEndpoint.unixSocket(socket, libpqPort);
  }

  /** Records that this process now listens on {@link #socket()}, so it removes it afterwards. */
  public void bound() {
    bound = true;
  }

  /** Whether hoop made the directory (and so removes it). */
  public boolean created() {
    return created;
  }

  @Override
  public void close() {
    try {
      Runtime.getRuntime().removeShutdownHook(cleanupHook);
    } catch (IllegalStateException e) {
      // The JVM is shutting down: the hook runs (or ran) anyway.
    }
    remove();
  }

  private void remove() {
    if (bound || created) {
      deleteQuietly(socket);
    }
    if (created) {
      deleteQuietly(directory);
    }
  }

  private static Path requireShortEnough(Path socket, boolean given) {
    int bytes = UnixSockets.pathBytes(socket);
    if (bytes > UnixSockets.MAX_PATH_BYTES) {
      throw new HoopException.Usage(
          "unix socket path "
              + socket
              + " is "
              + bytes
              + " bytes, longer than the "
              + UnixSockets.MAX_PATH_BYTES
              + " bytes the kernel allows: "
              + (given ? "give a shorter --socket-dir" : "give a short directory with --socket-dir")
              + " (e.g. mkdir -m 700 ~/.hoop-sock)");
    }
    return socket;
  }

  /** {@code $XDG_RUNTIME_DIR/hoop-XXXXXX} when usable, else {@code tmpdir/hoop-<uid>-XXXXXX}. */
  private static Path createPrivate(Map<String, String> env) {
    int uid;
    try {
      uid = UnixSockets.processUid();
    } catch (IOException e) {
      throw new HoopException("cannot tell your uid to make a private socket directory", e);
    }
    Path runtime = usableRuntimeDir(env.get("XDG_RUNTIME_DIR"), uid);
    Path parent =
        runtime != null
            ? runtime
            : Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath().normalize();
    String prefix = runtime != null ? "hoop-" : "hoop-" + uid + "-";
    SecureRandom random = new SecureRandom();
    for (int attempt = 0; ; attempt++) {
      StringBuilder name = new StringBuilder(prefix);
      for (int i = 0; i < 6; i++) {
        name.append(SUFFIX_CHARS.charAt(random.nextInt(SUFFIX_CHARS.length())));
      }
      try {
        // Private from its creation: there is no moment when others could enter it.
        return Files.createDirectory(parent.resolve(name.toString()), PRIVATE);
      } catch (FileAlreadyExistsException e) {
        if (attempt >= 100) {
          throw new HoopException("cannot make a socket directory in " + parent, e);
        }
      } catch (IOException | UnsupportedOperationException e) {
        throw new HoopException(
            "cannot make a private socket directory in "
                + parent
                + ": "
                + e.getMessage()
                + "; give one with --socket-dir",
            e);
      }
    }
  }

  /** The runtime directory when it is the user's own and closed to others, else null. */
  private static Path usableRuntimeDir(String value, int uid) {
    if (value == null || value.isBlank()) {
      return null;
    }
    Path dir = Path.of(value);
    try {
      if (!dir.isAbsolute() || !Files.isDirectory(dir) || !Files.isWritable(dir)) {
        return null;
      }
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(dir);
      boolean closed =
          !perms.contains(PosixFilePermission.GROUP_WRITE)
              && !perms.contains(PosixFilePermission.OTHERS_WRITE);
      return closed && UnixSockets.ownerUid(dir) == uid && !value.contains(",") ? dir : null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static void deleteQuietly(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (DirectoryNotEmptyException e) {
      // Someone put files there: keep them rather than delete what hoop did not make.
    } catch (IOException e) {
      // Best effort at exit; a leftover socket is stale and replaced by the next bind.
    }
  }
}
