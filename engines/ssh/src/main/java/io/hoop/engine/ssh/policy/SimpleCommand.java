package io.hoop.engine.ssh.policy;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A command the target would run once wrappers are seen through: {@code name} is the basename of
 * the command word and {@code args} its arguments.
 */
record SimpleCommand(String name, List<ShellWord> args) {
  SimpleCommand {
    args = List.copyOf(args);
  }

  /** The name and arguments joined by single spaces, as rules see them. */
  String joined() {
    if (args.isEmpty()) {
      return name;
    }
    return name + " " + args.stream().map(ShellWord::text).collect(Collectors.joining(" "));
  }

  /**
   * Like {@link #joined()} with path-like arguments normalized ({@code //}, {@code .}, {@code ..}).
   */
  String joinedNormalized() {
    if (args.isEmpty()) {
      return name;
    }
    return name
        + " "
        + args.stream().map(w -> normalizePath(w.text())).collect(Collectors.joining(" "));
  }

  boolean opaque() {
    return args.stream().anyMatch(ShellWord::isOpaque);
  }

  /** For messages: what the user wrote, unresolved parts shown as '…'. */
  String display() {
    return joined().replace(ShellWord.ANY, '…');
  }

  static String normalizePath(String arg) {
    if (arg.indexOf('/') < 0) {
      return arg;
    }
    boolean absolute = arg.startsWith("/");
    String[] parts = arg.split("/+", -1);
    java.util.ArrayDeque<String> out = new java.util.ArrayDeque<>();
    for (String p : parts) {
      if (p.isEmpty() || p.equals(".")) {
        continue;
      }
      if (p.equals("..")) {
        if (!out.isEmpty() && !out.peekLast().equals("..")) {
          out.removeLast();
        } else if (!absolute) {
          out.addLast(p);
        }
        continue;
      }
      out.addLast(p);
    }
    String joined = String.join("/", out);
    if (absolute) {
      return "/" + joined;
    }
    return joined.isEmpty() ? "." : joined;
  }
}
