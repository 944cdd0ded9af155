package io.hoop.engine.ssh.policy;

import static java.util.Objects.requireNonNull;

/**
 * Turns a path as an sftp client sent it into the absolute path rules see, or refuses it: a path
 * with a {@code ..} segment is refused (on the target it resolves through symbolic links, which a
 * lexical fold would not follow), as are NUL bytes and paths over {@link SftpGuard#MAX_PATH}; a
 * relative path is taken against the session's working directory (the target's answer to the
 * client's {@code realpath(".")}), and refused while that is not known; {@code //} and {@code .}
 * segments are folded.
 */
public final class SftpPath {

  /** The rules' path, or why the path is refused ({@code path} null then). */
  public record Resolved(String path, String refusal) {
    public boolean refused() {
      return path == null;
    }
  }

  private SftpPath() {}

  /**
   * @param path as the client sent it
   * @param cwd the session's working directory (absolute), or null while not known
   */
  public static Resolved resolve(String path, String cwd) {
    requireNonNull(path, "path");
    if (path.indexOf('\0') >= 0) {
      return refused("the path contains a NUL byte");
    }
    if (path.length() > SftpGuard.MAX_PATH) {
      return refused("the path is longer than " + SftpGuard.MAX_PATH + " characters");
    }
    for (String segment : path.split("/", -1)) {
      if (segment.equals("..")) {
        return refused("the path '" + path + "' has a '..' segment; use the path without it");
      }
    }
    String p = path.isEmpty() ? "." : path;
    if (!p.startsWith("/")) {
      if (cwd == null || !cwd.startsWith("/") || cwd.length() > SftpGuard.MAX_PATH) {
        return refused(
            "the relative path '"
                + path
                + "' came before the session's working directory is known; use an absolute"
                + " path");
      }
      if (cwd.contains("/../") || cwd.endsWith("/..")) {
        return refused("the session's working directory '" + cwd + "' is not canonical");
      }
    }
    return new Resolved(SftpGuard.normalize(p, cwd == null ? "/" : cwd), null);
  }

  private static Resolved refused(String why) {
    return new Resolved(null, why);
  }
}
