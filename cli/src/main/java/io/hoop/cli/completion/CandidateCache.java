package io.hoop.cli.completion;

import io.hoop.completion.Candidates;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The completion candidates last fetched from the broker, one file per kind in a directory of the
 * profile, so a TAB does not wait on the network. Files are mode 0600 in a 0700 directory, written
 * to a temp file and renamed; a file that is not a regular file of this user readable by the owner
 * only, that is too large or that does not parse is ignored (and replaced by the next fetch).
 *
 * <p>Format (text, one item a line): {@code hoop-completion-cache 1}, {@code broker URL}, {@code
 * fetched EPOCH_MILLIS}, {@code failed EPOCH_MILLIS} (0 when the last fetch worked), then the
 * candidates.
 */
public final class CandidateCache {
  static final String MAGIC = "hoop-completion-cache 1";
  static final int MAX_BYTES = 256 * 1024;
  static final int MAX_CANDIDATES = 2000;
  private static final Set<PosixFilePermission> FILE_MODE =
      PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> DIR_MODE =
      PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> OTHERS =
      EnumSet.complementOf(
          EnumSet.of(
              PosixFilePermission.OWNER_READ,
              PosixFilePermission.OWNER_WRITE,
              PosixFilePermission.OWNER_EXECUTE));

  /**
   * One kind's cached candidates.
   *
   * @param broker the broker they came from
   * @param fetched when they were fetched (EPOCH when never)
   * @param failed when the last fetch failed, or null
   * @param candidates safe words only ({@link Candidates#isSafe})
   */
  public record Entry(String broker, Instant fetched, Instant failed, List<String> candidates) {
    public Entry {
      Objects.requireNonNull(broker, "broker");
      Objects.requireNonNull(fetched, "fetched");
      candidates = List.copyOf(candidates);
    }
  }

  private final Path dir;

  /** A cache in {@code dir} (created on the first write). */
  public CandidateCache(Path dir) {
    this.dir = Objects.requireNonNull(dir, "dir");
  }

  /** The file of one kind. */
  Path file(String kind) {
    if (!Candidates.isSafe(kind)) {
      throw new IllegalArgumentException("kind '" + kind + "' must match " + Candidates.SAFE);
    }
    return dir.resolve(kind);
  }

  /** The entry of {@code kind}, or empty when there is none that can be trusted. */
  public Optional<Entry> read(String kind) {
    Path file = file(kind);
    try {
      PosixFileAttributes attributes =
          Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (!attributes.isRegularFile()
          || attributes.size() > MAX_BYTES
          || attributes.permissions().stream().anyMatch(OTHERS::contains)
          || !attributes.owner().equals(Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS))) {
        return Optional.empty();
      }
      byte[] bytes;
      try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
        bytes = in.readNBytes(MAX_BYTES + 1);
      }
      return bytes.length > MAX_BYTES
          ? Optional.empty()
          : parse(new String(bytes, StandardCharsets.UTF_8));
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return Optional.empty();
    }
  }

  static Optional<Entry> parse(String text) {
    String[] lines = text.split("\n", -1);
    if (lines.length < 5 || !lines[0].equals(MAGIC)) {
      return Optional.empty();
    }
    String broker = field(lines[1], "broker");
    String fetched = field(lines[2], "fetched");
    String failed = field(lines[3], "failed");
    if (broker == null || fetched == null || failed == null) {
      return Optional.empty();
    }
    List<String> candidates = new ArrayList<>();
    // The text ends with a newline, so the last element is empty.
    for (int i = 4; i < lines.length - 1; i++) {
      if (!Candidates.isSafe(lines[i]) || candidates.size() >= MAX_CANDIDATES) {
        return Optional.empty();
      }
      candidates.add(lines[i]);
    }
    if (!lines[lines.length - 1].isEmpty()) {
      return Optional.empty();
    }
    try {
      long failedAt = Long.parseLong(failed);
      return Optional.of(
          new Entry(
              broker,
              Instant.ofEpochMilli(Long.parseLong(fetched)),
              failedAt == 0 ? null : Instant.ofEpochMilli(failedAt),
              candidates));
    } catch (NumberFormatException | java.time.DateTimeException e) {
      return Optional.empty();
    }
  }

  private static String field(String line, String name) {
    String prefix = name + " ";
    if (!line.startsWith(prefix) || line.length() == prefix.length()) {
      return null;
    }
    return line.substring(prefix.length());
  }

  /**
   * Replaces the entry of {@code kind}. Unsafe candidates are left out; a broker URL with a line
   * break is refused.
   */
  public void write(String kind, Entry entry) throws IOException {
    Path file = file(kind);
    if (entry.broker().indexOf('\n') >= 0 || entry.broker().indexOf('\r') >= 0) {
      throw new IllegalArgumentException("broker URL must be one line");
    }
    StringBuilder text = new StringBuilder();
    text.append(MAGIC).append('\n');
    text.append("broker ").append(entry.broker()).append('\n');
    text.append("fetched ").append(entry.fetched().toEpochMilli()).append('\n');
    text.append("failed ")
        .append(entry.failed() == null ? 0 : entry.failed().toEpochMilli())
        .append('\n');
    int n = 0;
    for (String c : entry.candidates()) {
      if (Candidates.isSafe(c) && n++ < MAX_CANDIDATES) {
        text.append(c).append('\n');
      }
    }
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIR_MODE));
    }
    Path temp =
        Files.createTempFile(
            dir, "." + kind, ".tmp", PosixFilePermissions.asFileAttribute(FILE_MODE));
    try {
      Files.writeString(temp, text, StandardCharsets.UTF_8);
      try {
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(temp);
    }
  }
}
