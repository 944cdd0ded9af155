package io.hoop.cli.ssh;

import io.hoop.cli.HoopException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A grant's {@code Host} block in the user's {@code ~/.ssh/config} for the grant's life ({@code
 * hoop connect --ssh-config}). The block goes first in the file, since OpenSSH takes the first
 * value it reads, and ends with {@code Host *} so that global options the user wrote at the top
 * stay global. Between its marker lines, named by a per-run id, nothing else is touched: each
 * change re-reads the file under a lock (concurrent runs), writes a copy with the file's own
 * permissions and moves it into place (a crash never leaves half a file), and leaves the file alone
 * when the user edited the markers. Blocks of runs that died without cleaning up are removed too.
 */
public final class UserSshConfig implements AutoCloseable {
  static final String BEGIN = "# >>> hoop ";
  static final String END = "# <<< hoop ";
  private static final Pattern BEGIN_LINE =
      Pattern.compile("# >>> hoop run ([0-9a-f]+) pid (\\d+) .*");
  private static final ReentrantLock IN_PROCESS = new ReentrantLock();

  private final Path file;
  private final String run;

  private UserSshConfig(Path file, String run) {
    this.file = file;
    this.run = run;
  }

  /**
   * Puts {@code block} first in {@code file} (created 0600 in a 0700 directory when missing).
   *
   * @param what names the block in its marker line, e.g. the grant id and target
   */
  public static UserSshConfig add(Path file, String what, String block) {
    Objects.requireNonNull(file, "file");
    String run = HexFormat.of().formatHex(random());
    long pid = ProcessHandle.current().pid();
    String marked =
        BEGIN
            + "run "
            + run
            + " pid "
            + pid
            + " "
            + what.replaceAll("[\\p{Cntrl}]", "_")
            + " (removed when hoop exits)\n"
            + block
            + "Host *\n"
            + END
            + "run "
            + run
            + "\n";
    update(file, text -> marked + withoutStale(text));
    return new UserSshConfig(file, run);
  }

  private static byte[] random() {
    byte[] b = new byte[8];
    new SecureRandom().nextBytes(b);
    return b;
  }

  /** Removes this run's block; everything else in the file stays as it is now. */
  @Override
  public void close() {
    update(file, text -> without(text, run));
  }

  /** {@code text} without the block of {@code run}; unchanged when its markers are not intact. */
  static String without(String text, String run) {
    List<String> lines = text.lines().toList();
    int begin = -1;
    int end = -1;
    for (int i = 0; i < lines.size(); i++) {
      String l = lines.get(i);
      if (begin < 0 && l.startsWith(BEGIN + "run " + run + " ")) {
        begin = i;
      } else if (begin >= 0 && l.equals(END + "run " + run)) {
        end = i;
        break;
      }
    }
    if (begin < 0 || end < 0) {
      return text;
    }
    List<String> kept = new ArrayList<>(lines.subList(0, begin));
    kept.addAll(lines.subList(end + 1, lines.size()));
    String joined = String.join("\n", kept);
    return kept.isEmpty() || !text.endsWith("\n") ? joined : joined + "\n";
  }

  /** {@code text} without blocks whose hoop process is gone (killed before it could clean up). */
  static String withoutStale(String text) {
    String result = text;
    for (String line : text.lines().toList()) {
      Matcher m = BEGIN_LINE.matcher(line);
      if (m.matches()) {
        long pid = Long.parseLong(m.group(2));
        boolean alive = ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        if (!alive) {
          result = without(result, m.group(1));
        }
      }
    }
    return result;
  }

  private interface Edit {
    String apply(String text);
  }

  private static void update(Path file, Edit edit) {
    IN_PROCESS.lock();
    try {
      Path dir = file.toAbsolutePath().getParent();
      if (!Files.isDirectory(dir)) {
        Files.createDirectories(
            dir,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      }
      // A symlinked config (dotfiles repositories) is edited where it lives, the link kept.
      Path target = Files.exists(file) ? file.toRealPath() : file.toAbsolutePath();
      Path lockFile = target.resolveSibling(".hoop-ssh-config.lock");
      try (FileChannel lockChannel =
          FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
        // Released with the channel; other hoop processes wait here (the lock is per file).
        FileLock unused = lockChannel.lock();
        Objects.requireNonNull(unused, "lock");
        String before =
            Files.exists(target) ? Files.readString(target, StandardCharsets.UTF_8) : "";
        String after = edit.apply(before);
        if (after.equals(before)) {
          return;
        }
        Set<PosixFilePermission> perms =
            Files.exists(target)
                ? Files.getPosixFilePermissions(target, LinkOption.NOFOLLOW_LINKS)
                : PosixFilePermissions.fromString("rw-------");
        Path temp =
            Files.createTempFile(
                target.getParent(),
                ".hoop-ssh-config",
                ".tmp",
                PosixFilePermissions.asFileAttribute(perms));
        try {
          Files.writeString(temp, after, StandardCharsets.UTF_8);
          try {
            Files.move(
                temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
          } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
          }
        } finally {
          Files.deleteIfExists(temp);
        }
      }
    } catch (IOException e) {
      throw new HoopException(
          "cannot update " + file + ": " + e.getMessage() + " (it is left as it was)", e);
    } finally {
      IN_PROCESS.unlock();
    }
  }
}
