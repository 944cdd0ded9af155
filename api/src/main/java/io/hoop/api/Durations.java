package io.hoop.api;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses and prints human durations such as {@code 90s}, {@code 30m}, {@code 1h30m}, {@code 2d}.
 */
public final class Durations {
  private static final Pattern SHAPE =
      Pattern.compile("(?:(\\d{1,9})d)?(?:(\\d{1,9})h)?(?:(\\d{1,9})m)?(?:(\\d{1,9})s)?");
  private static final int MAX_INPUT = 64;

  private Durations() {}

  /**
   * Parses a duration of number+unit parts in the order d, h, m, s, each at most once, e.g. {@code
   * 1h30m}.
   *
   * @throws IllegalArgumentException naming the input and the expected form
   */
  public static Duration parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("empty duration (use e.g. 30m, 1h, 90s)");
    }
    String s = text.strip();
    if (s.length() > MAX_INPUT) {
      throw new IllegalArgumentException(
          "duration is " + s.length() + " characters long; expected at most " + MAX_INPUT);
    }
    Matcher m = SHAPE.matcher(s);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "'" + printable(s) + "' is not a duration (use e.g. 30m, 1h, 1h30m, 90s)");
    }
    return Duration.ofDays(group(m, 1))
        .plusHours(group(m, 2))
        .plusMinutes(group(m, 3))
        .plusSeconds(group(m, 4));
  }

  private static long group(Matcher m, int i) {
    return m.group(i) == null ? 0 : Long.parseLong(m.group(i));
  }

  /** Prints the shortest exact form, e.g. {@code 1h30m}, {@code 45s}, {@code 0s}. */
  public static String format(Duration d) {
    if (d.isNegative()) {
      return "-" + format(d.negated());
    }
    long secs = d.getSeconds();
    if (secs == 0) {
      return d.toMillis() == 0 ? "0s" : d.toMillis() + "ms";
    }
    StringBuilder sb = new StringBuilder();
    long days = secs / 86400;
    long hours = (secs % 86400) / 3600;
    long minutes = (secs % 3600) / 60;
    long seconds = secs % 60;
    if (days > 0) {
      sb.append(days).append('d');
    }
    if (hours > 0) {
      sb.append(hours).append('h');
    }
    if (minutes > 0) {
      sb.append(minutes).append('m');
    }
    if (seconds > 0) {
      sb.append(seconds).append('s');
    }
    return sb.toString();
  }

  private static String printable(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      sb.append(c < 0x20 || c == 0x7f ? '?' : c);
    }
    return sb.toString();
  }
}
