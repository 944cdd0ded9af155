package io.hoop.engine.ssh.policy;

import static java.util.Objects.requireNonNull;

/**
 * One shell word after quote removal. {@code text} holds the literal characters, with {@link #ANY}
 * standing for each part the policy cannot resolve (a variable, a glob, a brace expansion); {@code
 * opaque} names the first such part, or is null when the word is fully literal.
 */
record ShellWord(String text, String raw, String opaque, boolean quoted) {
  /** Stands for any string (private-use code point; a literal one in input is treated alike). */
  static final char ANY = '\uE000';

  ShellWord {
    requireNonNull(text, "text");
    requireNonNull(raw, "raw");
  }

  static ShellWord literal(String text) {
    return new ShellWord(text, text, text.indexOf(ANY) >= 0 ? "unresolved text" : null, false);
  }

  boolean isOpaque() {
    return opaque != null || text.indexOf(ANY) >= 0;
  }
}
