package io.hoop.cli.output;

import io.hoop.cli.CliEnvironment;
import java.util.Locale;
import java.util.Set;

/**
 * Colours for the words a reader scans for: outcomes that went through in green, waits in yellow,
 * refusals and ends in red. Only on a terminal and never with {@code NO_COLOR} ({@link
 * CliEnvironment#colour}); otherwise every method returns its text unchanged, so output piped to a
 * file or another program is plain.
 */
public final class Colours {
  /** No colours: what pipes, files and tests get. */
  public static final Colours NONE = new Colours(false);

  private static final Colours ANSI = new Colours(true);
  private static final Set<String> GOOD =
      Set.of("approved", "active", "granted", "certified", "allowed", "ok", "live");
  private static final Set<String> WAITING = Set.of("pending", "held", "due", "waiting");
  private static final Set<String> BAD =
      Set.of(
          "denied",
          "revoked",
          "expired",
          "blocked",
          "refused",
          "failed",
          "overdue",
          "withdrawn",
          "timed_out",
          "released");

  private final boolean enabled;

  private Colours(boolean enabled) {
    this.enabled = enabled;
  }

  /** Colours for this process's stdout. */
  public static Colours of(CliEnvironment env) {
    return env.colour() ? ANSI : NONE;
  }

  public boolean enabled() {
    return enabled;
  }

  /**
   * A status word ({@code approved}, {@code pending}, {@code denied}, ...) in its colour; a word
   * with no meaning attached, or a longer text, is returned as is.
   */
  public String status(String word) {
    if (!enabled || word == null) {
      return word;
    }
    String key = word.strip().toLowerCase(Locale.ROOT);
    if (GOOD.contains(key)) {
      return paint("32", word);
    }
    if (WAITING.contains(key)) {
      return paint("33", word);
    }
    if (BAD.contains(key)) {
      return paint("31", word);
    }
    return word;
  }

  /**
   * A message whose first word is its outcome ({@code denied: g-1 for prod-db ...}, {@code approved
   * (2/2): ...}): that word coloured, the rest plain.
   */
  public String leading(String message) {
    if (!enabled || message == null) {
      return message;
    }
    int end = 0;
    while (end < message.length() && Character.isLetter(message.charAt(end))) {
      end++;
    }
    return end == 0 ? message : status(message.substring(0, end)) + message.substring(end);
  }

  private static String paint(String sgr, String text) {
    return "\033[" + sgr + "m" + text + "\033[0m";
  }
}
