package io.hoop.completion;

import java.util.Locale;

/** A shell that completion scripts are generated for. */
public enum Shell {
  BASH,
  ZSH,
  FISH;

  /** The shell named {@code name} (any case), or null. */
  public static Shell parse(String name) {
    for (Shell s : values()) {
      if (s.name().equalsIgnoreCase(name)) {
        return s;
      }
    }
    return null;
  }

  /** The name users type: {@code bash}, {@code zsh}, {@code fish}. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The shell names, for picocli's {@code completionCandidates}. */
  public static final class Names implements Iterable<String> {
    @Override
    public java.util.Iterator<String> iterator() {
      return java.util.Arrays.stream(values()).map(Shell::id).iterator();
    }
  }
}
