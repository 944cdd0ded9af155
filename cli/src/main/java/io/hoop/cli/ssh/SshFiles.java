package io.hoop.cli.ssh;

import io.hoop.cli.HoopException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The files of one grant's SSH access, in a directory of their own (0700) that goes when hoop
 * exits: the ephemeral private key (0600), its public half, a known_hosts file pinning the broker's
 * host key for the target, and an ssh_config file with the {@code Host} block (for {@code ssh -F}).
 */
public final class SshFiles implements AutoCloseable {
  private static final FileAttribute<Set<PosixFilePermission>> DIRECTORY =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
  private static final FileAttribute<Set<PosixFilePermission>> FILE =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
  private static final int GROUP_OR_OTHER_WRITE = 0022;
  private static final int STICKY = 01000;
  private static final String SOCKET = "tunnel.sock";
  private static final String SUFFIX_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789";

  private final Path directory;
  private final String alias;
  private final String user;
  private final int port;
  private final String hostBlock;

  private SshFiles(Path directory, String alias, String user, int port, String hostBlock) {
    this.directory = directory;
    this.alias = alias;
    this.user = user;
    this.port = port;
    this.hostBlock = hostBlock;
  }

  /**
   * Writes the files for {@code target} on local {@code port} in a new private directory under
   * {@code $XDG_RUNTIME_DIR} (when set) or the temp directory.
   *
   * @param hostKey the broker's host key line for the target ({@code TargetConnection.sshHostKey})
   * @param sshUser the user to log in as ({@code TargetConnection.sshUser}); null for {@code hoop}
   */
  public static SshFiles write(
      EphemeralKey key,
      String target,
      String hostKey,
      String sshUser,
      int port,
      Map<String, String> env) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(target, "target");
    String alias = SshConfigText.alias(target);
    String user = SshConfigText.user(sshUser);
    String pinned = SshConfigText.knownHostsLine(port, alias, hostKey);
    Path dir = createPrivate(env);
    try {
      Path identity = dir.resolve("id_ed25519");
      Path knownHosts = dir.resolve("known_hosts");
      String block = SshConfigText.hostBlock(alias, port, user, identity, knownHosts);
      create(identity, key.privateKeyFile());
      create(
          dir.resolve("id_ed25519.pub"),
          (key.publicKey() + " hoop-grant\n").getBytes(StandardCharsets.US_ASCII));
      create(knownHosts, pinned.getBytes(StandardCharsets.US_ASCII));
      // Other hosts keep working under -F: the user's own config follows, after ours (first wins).
      create(
          dir.resolve("ssh_config"),
          (block + "\nHost *\n  Include ~/.ssh/config\n").getBytes(StandardCharsets.UTF_8));
      return new SshFiles(dir, alias, user, port, block);
    } catch (IOException | RuntimeException e) {
      deleteAll(dir);
      throw e instanceof HoopException h
          ? h
          : new HoopException(
              "cannot write the SSH key files in " + dir + ": " + e.getMessage(), e);
    }
  }

  private static void create(Path file, byte[] content) throws IOException {
    // 0600 from creation: the private key is never readable by others, not even for a moment.
    Files.write(
        Files.createFile(file, FILE),
        content,
        StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING);
  }

  public Path directory() {
    return directory;
  }

  public Path identity() {
    return directory.resolve("id_ed25519");
  }

  public Path knownHosts() {
    return directory.resolve("known_hosts");
  }

  /** The ssh_config file for {@code ssh -F}: the Host block, then the user's own config. */
  public Path config() {
    return directory.resolve("ssh_config");
  }

  /**
   * The Unix socket {@code hoop exec} listens on for ssh's ProxyCommand, in this private directory
   * (removed with it).
   */
  public Path socket() {
    return directory.resolve(SOCKET);
  }

  /** The {@code Host} alias of the target in the config files. */
  public String alias() {
    return alias;
  }

  public String user() {
    return user;
  }

  public int port() {
    return port;
  }

  /** The {@code Host} block alone (for {@code ~/.ssh/config}). */
  public String hostBlock() {
    return hostBlock;
  }

  /** Removes the key and the other files, then the directory. */
  @Override
  public void close() {
    deleteAll(directory);
  }

  private static void deleteAll(Path dir) {
    for (String name :
        new String[] {"id_ed25519", "id_ed25519.pub", "known_hosts", "ssh_config", SOCKET}) {
      try {
        Files.deleteIfExists(dir.resolve(name));
      } catch (IOException e) {
        // Best effort; the directory stays closed to others.
      }
    }
    try {
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      // Something else was put there (ssh's control socket, say): leave what hoop did not make.
    }
  }

  /**
   * {@code $XDG_RUNTIME_DIR/hoop-ssh-XXXXXXXX} when that directory is the user's and closed to
   * others, else in the temp directory; either way only in a place where nobody else can rename the
   * new directory away and slip their own in before the key is written.
   */
  private static Path createPrivate(Map<String, String> env) {
    return createPrivateDirectory(env, "hoop-ssh-", "the grant's SSH key");
  }

  /**
   * A new directory {@code PREFIXxxxxxxxx}, mode 0700 from creation, where {@link SshFiles} makes
   * its own (another grant's files use it too, e.g. a kubeconfig).
   *
   * @param what what goes there, for error messages ({@code the grant's SSH key})
   */
  public static Path createPrivateDirectory(Map<String, String> env, String prefix, String what) {
    Path parent = usableRuntimeDir(env.get("XDG_RUNTIME_DIR"));
    if (parent == null) {
      parent = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath().normalize();
      Path swappable;
      try {
        swappable = swappableAncestor(parent.resolve("x"));
      } catch (IOException | RuntimeException e) {
        throw new HoopException(
            "cannot check " + parent + " for " + what + ": " + e.getMessage(), e);
      }
      if (swappable != null) {
        throw new HoopException(
            "will not write "
                + what
                + " under "
                + parent
                + ": others may write to "
                + swappable
                + " (no sticky bit); set XDG_RUNTIME_DIR or TMPDIR to a directory of your own");
      }
    }
    SecureRandom random = new SecureRandom();
    for (int attempt = 0; ; attempt++) {
      StringBuilder name = new StringBuilder(prefix);
      for (int i = 0; i < 8; i++) {
        name.append(SUFFIX_CHARS.charAt(random.nextInt(SUFFIX_CHARS.length())));
      }
      try {
        // A new directory, private from creation: nobody can have planted files in it.
        return Files.createDirectory(parent.resolve(name.toString()), DIRECTORY);
      } catch (FileAlreadyExistsException e) {
        if (attempt >= 100) {
          throw new HoopException("cannot make a directory for " + what + " in " + parent, e);
        }
      } catch (IOException | UnsupportedOperationException e) {
        throw new HoopException(
            "cannot make a private directory for " + what + " in " + parent + ": " + e.getMessage(),
            e);
      }
    }
  }

  /** The runtime directory when it is absolute, the user's own and unswappable, else null. */
  static Path usableRuntimeDir(String value) {
    if (value == null || value.isBlank() || !Path.of(value).isAbsolute()) {
      return null;
    }
    Path dir = Path.of(value);
    try {
      if (!Files.isDirectory(dir)
          || !Files.getOwner(dir).getName().equals(System.getProperty("user.name"))
          || swappableAncestor(dir.resolve("x")) != null) {
        return null;
      }
      return dir;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /**
   * The first ancestor of {@code path} that group or others may write to without the sticky bit
   * (anyone could rename entries there), or null; {@code /tmp}'s sticky bit lets only owners
   * rename.
   */
  static Path swappableAncestor(Path path) throws IOException {
    for (Path p = path.getParent(); p != null; p = p.getParent()) {
      int mode = (Integer) Files.getAttribute(p, "unix:mode");
      if ((mode & GROUP_OR_OTHER_WRITE) != 0 && (mode & STICKY) == 0) {
        return p;
      }
    }
    return null;
  }
}
