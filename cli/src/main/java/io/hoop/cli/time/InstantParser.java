package io.hoop.cli.time;

import io.hoop.api.Durations;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Objects;

/**
 * Parses a point in time for {@code --since} and {@code --until}: an RFC 3339 instant ({@code
 * 2026-01-31T12:00:00Z}, {@code 2026-01-31T13:00:00+01:00}) or a duration before now ({@code 90s},
 * {@code 15m}, {@code 2h}, {@code 7d}, {@code 1d12h}).
 */
public final class InstantParser {
  private static final int MAX_INPUT_LENGTH = 40;
  private static final String EXPECTED =
      "expected an RFC 3339 instant such as 2026-01-31T12:00:00Z or a duration ago such as 15m,"
          + " 2h or 7d";

  private InstantParser() {}

  /**
   * The instant {@code text} names, relative durations counted back from {@code now}.
   *
   * @throws IllegalArgumentException naming the option and the value when it is neither
   */
  public static Instant parse(String option, String text, Instant now) {
    Objects.requireNonNull(now, "now");
    String trimmed = text == null ? "" : text.strip();
    if (trimmed.isEmpty() || trimmed.length() > MAX_INPUT_LENGTH) {
      throw new IllegalArgumentException(
          "invalid " + option + " (" + trimmed.length() + " characters): " + EXPECTED);
    }
    if (trimmed.indexOf('-') >= 0 || trimmed.indexOf(':') >= 0) {
      try {
        return OffsetDateTime.parse(trimmed.toUpperCase(Locale.ROOT)).toInstant();
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException(
            "invalid " + option + " '" + printable(trimmed) + "': " + EXPECTED);
      }
    }
    Duration ago;
    try {
      ago = Durations.parse(trimmed.toLowerCase(Locale.ROOT));
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw new IllegalArgumentException(
          "invalid " + option + " '" + printable(trimmed) + "': " + EXPECTED);
    }
    if (ago.isZero() || ago.isNegative()) {
      throw new IllegalArgumentException(
          "invalid " + option + " '" + printable(trimmed) + "': a duration ago must be positive");
    }
    try {
      return now.minus(ago);
    } catch (ArithmeticException | java.time.DateTimeException e) {
      throw new IllegalArgumentException(
          "invalid " + option + " '" + printable(trimmed) + "': too long ago");
    }
  }

  private static String printable(String s) {
    return s.codePoints()
        .map(c -> Character.isISOControl(c) ? '?' : c)
        .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
        .toString();
  }
}
