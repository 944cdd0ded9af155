package io.hoop.cli.identity;

import io.hoop.cli.HoopException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/** Reads secret files only when nobody but their owner can read them (mode 0600 or 0400). */
public final class SecretFiles {
  private static final Set<PosixFilePermission> OTHERS =
      EnumSet.of(
          PosixFilePermission.GROUP_READ,
          PosixFilePermission.GROUP_WRITE,
          PosixFilePermission.GROUP_EXECUTE,
          PosixFilePermission.OTHERS_READ,
          PosixFilePermission.OTHERS_WRITE,
          PosixFilePermission.OTHERS_EXECUTE);

  private SecretFiles() {}

  /**
   * The file's content without surrounding whitespace.
   *
   * @param what what the file holds, for messages ("client secret file")
   * @throws HoopException.Usage when the file is missing, empty or readable by others
   */
  public static String readOwnerOnly(Path file, String what) {
    Set<PosixFilePermission> mode;
    try {
      mode = Files.getPosixFilePermissions(file);
    } catch (NoSuchFileException e) {
      throw new HoopException.Usage(what + " " + file + " does not exist");
    } catch (IOException e) {
      throw new HoopException.Usage("cannot read " + what + " " + file + ": " + e.getMessage());
    } catch (UnsupportedOperationException e) {
      throw new HoopException.Usage(
          "cannot check the permissions of " + what + " " + file + " (not a POSIX file system)");
    }
    if (mode.stream().anyMatch(OTHERS::contains)) {
      throw new HoopException.Usage(
          what
              + " "
              + file
              + " has mode "
              + PosixFilePermissions.toString(mode)
              + "; it must be readable by its owner only: chmod 600 "
              + file);
    }
    return readNonEmpty(file, what);
  }

  /** The file's content without surrounding whitespace; no permission check (public tokens). */
  public static String readNonEmpty(Path file, String what) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8).strip();
    } catch (NoSuchFileException e) {
      throw new HoopException.Usage(what + " " + file + " does not exist");
    } catch (IOException e) {
      throw new HoopException.Usage("cannot read " + what + " " + file + ": " + e.getMessage());
    }
    if (text.isEmpty()) {
      throw new HoopException.Usage(what + " " + file + " is empty");
    }
    return text;
  }
}
