package io.hoop.engine.http.policy;

import static java.util.Objects.requireNonNull;

import java.util.regex.Pattern;

/**
 * A path pattern of a request rule, matched against the normalised path ({@link RequestTarget}):
 * {@code *} matches within one segment (no {@code /}), {@code **} matches across segments, every
 * other character is literal. {@code /api/**} matches {@code /api/} and everything below it but not
 * {@code /api} itself; {@code /api{,/**}}-style alternatives are not supported: write two rules.
 */
public final class PathGlob {
  private final String glob;
  private final Pattern exact;
  private final Pattern folded;

  private PathGlob(String glob, Pattern exact, Pattern folded) {
    this.glob = glob;
    this.exact = exact;
    this.folded = folded;
  }

  /**
   * Compiles {@code glob}.
   *
   * @throws IllegalArgumentException when it does not start with {@code /} or has {@code ***}
   */
  public static PathGlob of(String glob) {
    requireNonNull(glob, "glob");
    if (!glob.startsWith("/")) {
      throw new IllegalArgumentException(
          "path glob '" + glob + "' must start with '/', e.g. /api/**");
    }
    if (glob.contains("***")) {
      throw new IllegalArgumentException(
          "path glob '" + glob + "' has '***'; expected '*' (one segment) or '**' (any depth)");
    }
    StringBuilder regex = new StringBuilder();
    for (int i = 0; i < glob.length(); i++) {
      char c = glob.charAt(i);
      if (c == '*') {
        if (i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
          regex.append(".*");
          i++;
        } else {
          regex.append("[^/]*");
        }
      } else {
        regex.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return new PathGlob(
        glob,
        Pattern.compile(regex.toString(), Pattern.DOTALL),
        Pattern.compile(
            regex.toString(), Pattern.DOTALL | Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE));
  }

  /** Whether the normalised {@code path} matches, optionally ignoring case. */
  public boolean matches(String path, boolean ignoreCase) {
    return (ignoreCase ? folded : exact).matcher(path).matches();
  }

  @Override
  public String toString() {
    return glob;
  }
}
