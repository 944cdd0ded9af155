package io.hoop.agent;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * Reads the agent's broker token from a file that only its owner can read or write (mode 0600 or
 * 0400): a token others could read is a token others could use, so any other mode is refused.
 */
final class TokenFile {
  /** A broker token is a JWT of a few hundred bytes; anything far larger is not one. */
  static final int MAX_BYTES = 16 * 1024;

  private static final Set<PosixFilePermission> OWNER_ONLY =
      EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

  /** Why a token file is refused; the message names the file and the rule. */
  static final class Refused extends Exception {
    private static final long serialVersionUID = 1L;

    Refused(String message) {
      super(message);
    }
  }

  private TokenFile() {}

  /**
   * The token in {@code file}, without surrounding whitespace.
   *
   * @throws Refused when the file is missing, a link, readable by others, too large, empty or not
   *     one token
   */
  static String read(Path file) throws Refused {
    requireNonNull(file, "file");
    try {
      if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
        throw new Refused(
            "--token-file " + file + " is not a regular file (a missing file or a symbolic link)");
      }
      Set<PosixFilePermission> mode =
          Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
      if (!OWNER_ONLY.containsAll(mode)) {
        throw new Refused(
            "--token-file "
                + file
                + " has mode "
                + PosixFilePermissions.toString(mode)
                + "; expected rw------- (0600): run chmod 600 "
                + file);
      }
      long size = Files.size(file);
      if (size > MAX_BYTES) {
        throw new Refused(
            "--token-file " + file + " is " + size + " bytes; expected at most " + MAX_BYTES);
      }
      String token = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).strip();
      if (token.isEmpty()) {
        throw new Refused("--token-file " + file + " is empty; expected a broker token");
      }
      if (!token.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
        throw new Refused(
            "--token-file "
                + file
                + " holds more than one printable word; expected one broker token");
      }
      return token;
    } catch (UnsupportedOperationException e) {
      throw new Refused("--token-file " + file + " is on a file system without POSIX modes");
    } catch (IOException e) {
      throw new Refused("cannot read --token-file " + file + ": " + e.getMessage());
    }
  }
}
