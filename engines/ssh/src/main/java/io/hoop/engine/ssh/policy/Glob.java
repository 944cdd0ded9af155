package io.hoop.engine.ssh.policy;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;

/**
 * A glob ({@code *} any text, {@code ?} one character, {@code [...]} a class, {@code \} escapes)
 * matched against text that may hold {@link ShellWord#ANY} parts. {@link #mayMatch} asks whether
 * some value of those parts matches (for deny and review rules); {@link #alwaysMatches} whether
 * every value does (for allow rules).
 */
public final class Glob {
  private static final int STAR = -1;
  private static final int ONE = -2;

  private final String pattern;
  private final int[] kinds; // a code point, STAR, ONE, or -(3 + index) of a class
  private final List<CharClass> classes = new ArrayList<>();
  private final boolean slashAware;

  private record CharClass(String chars, boolean negated) {
    boolean matches(int c) {
      boolean in = false;
      for (int k = 0; k < chars.length(); k++) {
        if (k + 2 < chars.length() && chars.charAt(k + 1) == '-') {
          if (c >= chars.charAt(k) && c <= chars.charAt(k + 2)) {
            in = true;
          }
          k += 2;
        } else if (chars.charAt(k) == c) {
          in = true;
        }
      }
      return in != negated;
    }
  }

  private Glob(String pattern, boolean slashAware) {
    this.pattern = pattern;
    this.slashAware = slashAware;
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c == '\\' && i + 1 < pattern.length()) {
        out.add((int) pattern.charAt(++i));
      } else if (c == '*') {
        if (slashAware && i + 1 < pattern.length() && pattern.charAt(i + 1) == '*') {
          i++;
          out.add(STAR);
        } else {
          out.add(slashAware ? STAR - 100 : STAR);
        }
      } else if (c == '?') {
        out.add(ONE);
      } else if (c == '[' && pattern.indexOf(']', i + 2) > 0) {
        int close = pattern.indexOf(']', i + 2);
        String body = pattern.substring(i + 1, close);
        boolean negated = body.startsWith("!") || body.startsWith("^");
        classes.add(new CharClass(negated ? body.substring(1) : body, negated));
        out.add(-(3 + classes.size() - 1));
        i = close;
      } else {
        out.add((int) c);
      }
    }
    kinds = out.stream().mapToInt(Integer::intValue).toArray();
  }

  /** A glob where {@code *} matches any text, spaces and slashes included (command rules). */
  public static Glob of(String pattern) {
    return new Glob(requireNonNull(pattern, "pattern"), false);
  }

  /** A path glob: {@code *} stops at '/', {@code **} crosses it (sftp rules). */
  public static Glob path(String pattern) {
    return new Glob(requireNonNull(pattern, "pattern"), true);
  }

  public String pattern() {
    return pattern;
  }

  /** Whether {@code text} matches, characters taken literally. */
  public boolean matches(String text) {
    return run(text, false);
  }

  /** Whether some value of the {@link ShellWord#ANY} parts of {@code text} makes it match. */
  boolean mayMatch(String text) {
    return run(text, true);
  }

  /** Whether every value of the {@link ShellWord#ANY} parts of {@code text} makes it match. */
  boolean alwaysMatches(String text) {
    // An ANY part matched only by a '*' (that crosses everything) can be any text.
    return run(text, false);
  }

  private boolean isStar(int kind) {
    return kind == STAR || kind == STAR - 100;
  }

  private boolean matchesChar(int kind, char c, boolean anyIsWild) {
    if (c == ShellWord.ANY) {
      return false;
    }
    if (kind == STAR - 100) {
      return c != '/';
    }
    if (kind == STAR || kind == ONE) {
      return true;
    }
    if (kind <= -3) {
      return classes.get(-kind - 3).matches(c);
    }
    return kind == c;
  }

  private boolean run(String s, boolean anyIsWild) {
    int n = kinds.length;
    int m = s.length();
    boolean[] prev = new boolean[m + 1];
    boolean[] cur = new boolean[m + 1];
    for (int i = 0; i <= n; i++) {
      java.util.Arrays.fill(cur, false);
      for (int j = 0; j <= m; j++) {
        boolean r;
        if (i == 0 && j == 0) {
          r = true;
        } else {
          r = false;
          if (i > 0 && isStar(kinds[i - 1])) {
            // star matches empty, or consumes s[j-1]
            r = prev[j];
            if (!r && j > 0) {
              char c = s.charAt(j - 1);
              r =
                  cur[j - 1]
                      && (kinds[i - 1] == STAR
                          || c == ShellWord.ANY && !slashAware
                          || c != '/' && c != ShellWord.ANY
                          || c == ShellWord.ANY && anyIsWild);
            }
          }
          if (!r && j > 0 && s.charAt(j - 1) == ShellWord.ANY && anyIsWild) {
            // ANY matches empty, or produces the pattern element i-1
            r = cur[j - 1] || (i > 0 && !isStar(kinds[i - 1]) && prev[j]);
          }
          if (!r && i > 0 && j > 0 && !isStar(kinds[i - 1])) {
            r = prev[j - 1] && matchesChar(kinds[i - 1], s.charAt(j - 1), anyIsWild);
          }
        }
        cur[j] = r;
      }
      boolean[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[m];
  }

  @Override
  public String toString() {
    return pattern;
  }
}
