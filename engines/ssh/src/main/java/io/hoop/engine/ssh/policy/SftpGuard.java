package io.hoop.engine.ssh.policy;

import static java.util.Objects.requireNonNull;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Decides sftp operations under a role's {@link SftpPolicy}. Paths are normalized lexically before
 * rules see them: relative paths are taken against the user's home, {@code .}, {@code ..}, {@code
 * //} and trailing slashes folded away, {@code ..} stopping at the root.
 *
 * <p>What it cannot see: symbolic links on the target resolve after the check, on the target. A
 * rule that denies writing under {@code /etc} does not stop writing through a link elsewhere that
 * points into {@code /etc}; deny {@code symlink} (its target path is checked too) and keep the
 * target's existing links in mind. Hard links are not an sftp v3 operation. The check is on the
 * path the client names, not the file's identity.
 */
public final class SftpGuard {
  /** The longest path checked; longer ones are denied. */
  public static final int MAX_PATH = 4096;

  private SftpGuard() {}

  /** The decision for {@code op} on {@code path} (as the client sent it) under {@code policy}. */
  public static Decision decide(SftpOperation op, String path, String home, SftpPolicy policy) {
    requireNonNull(op, "op");
    requireNonNull(path, "path");
    requireNonNull(home, "home");
    requireNonNull(policy, "policy");
    if (policy.rules().isEmpty() && policy.defaultAction() == Action.ALLOW) {
      return Decision.allowByDefault();
    }
    if (path.indexOf('\0') >= 0) {
      return Decision.deny("sftp.unparseable", "refused: the path contains a NUL byte");
    }
    if (path.length() > MAX_PATH || home.length() > MAX_PATH) {
      return Decision.deny(
          "sftp.unparseable", "refused: the path is longer than " + MAX_PATH + " characters");
    }
    String normalized = normalize(path, home);
    for (SftpRule r : policy.rules()) {
      if (!r.operations().contains(op) || !pathMatches(r.path(), normalized)) {
        continue;
      }
      String text = op.configName() + " " + normalized + " matches " + r.describe();
      String message = r.message() == null ? text : r.message() + " (" + text + ")";
      return switch (r.action()) {
        case DENY -> Decision.deny(r.id(), "denied: " + message);
        case REVIEW -> Decision.review(r.id(), "needs review: " + message);
        case ALLOW -> Decision.allow(r.id(), text);
      };
    }
    if (policy.defaultAction() == Action.DENY) {
      return Decision.deny(
          "sftp.default",
          "denied: " + op.configName() + " " + normalized + " is not in the allow list");
    }
    return Decision.allowByDefault();
  }

  /** {@code /etc/**} covers {@code /etc} itself too. */
  private static boolean pathMatches(Glob glob, String path) {
    return glob.matches(path) || glob.pattern().endsWith("/**") && glob.matches(path + "/");
  }

  /**
   * For operations on two paths ({@code rename}: old and new; {@code symlink}: the link and where
   * it points): the worse decision of the two.
   */
  public static Decision decide(
      SftpOperation op, String path, String otherPath, String home, SftpPolicy policy) {
    Decision a = decide(op, path, home, policy);
    if (a.action() == Action.DENY) {
      return a;
    }
    Decision b = decide(op, otherPath, home, policy);
    if (b.action() == Action.DENY || a.action() != Action.REVIEW && b.action() == Action.REVIEW) {
      return b;
    }
    return a;
  }

  /** {@code path} as an absolute path with no {@code .}, {@code ..}, empty or trailing segments. */
  public static String normalize(String path, String home) {
    String full = path.startsWith("/") ? path : home + "/" + path;
    Deque<String> out = new ArrayDeque<>();
    for (String segment : full.split("/")) {
      if (segment.isEmpty() || segment.equals(".")) {
        continue;
      }
      if (segment.equals("..")) {
        out.pollLast();
        continue;
      }
      out.addLast(segment);
    }
    return "/" + String.join("/", out);
  }
}
