package io.hoop.cli.time;

import io.hoop.api.Durations;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Parses the short durations the CLI accepts: {@code 90s}, {@code 30m}, {@code 1h}, {@code 1h30m},
 * {@code 1h30m15s}. The grammar is {@link Durations}'s (units in d-h-m-s order, each at most once);
 * the result is positive and at most {@link #MAX}.
 */
public final class DurationParser implements ITypeConverter<Duration> {
  /** Longer than any grant a broker would sign; rejects typos like {@code 3000h} early. */
  public static final Duration MAX = Duration.ofDays(7);

  private static final int MAX_INPUT_LENGTH = 32;

  /** Parses {@code text} or throws an {@link IllegalArgumentException} naming it. */
  public static Duration parse(String text) {
    if (text == null) {
      throw new IllegalArgumentException("missing duration: expected e.g. 30m, 1h, 1h30m or 90s");
    }
    String trimmed = text.strip().toLowerCase(java.util.Locale.ROOT);
    if (trimmed.length() > MAX_INPUT_LENGTH) {
      throw new IllegalArgumentException(
          "invalid duration ("
              + text.length()
              + " characters): expected e.g. 30m, 1h, 1h30m or 90s");
    }
    Duration d;
    try {
      d = Durations.parse(trimmed);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "invalid duration '" + printable(text) + "': expected e.g. 30m, 1h, 1h30m or 90s");
    }
    if (d.isZero()) {
      throw new IllegalArgumentException(
          "invalid duration '" + trimmed + "': must be longer than zero");
    }
    if (d.compareTo(MAX) > 0) {
      throw new IllegalArgumentException(
          "duration '"
              + trimmed
              + "' is longer than the maximum of "
              + DurationFormat.compact(MAX)
              + " ("
              + MAX.toHours()
              + "h)");
    }
    return d;
  }

  @Override
  public Duration convert(String value) {
    try {
      return parse(value);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(e.getMessage());
    }
  }

  /** Control characters in an error message could rewrite the user's terminal. */
  private static String printable(String text) {
    StringBuilder b = new StringBuilder();
    text.codePoints()
        .forEach(c -> b.append(Character.isISOControl(c) ? "?" : new String(Character.toChars(c))));
    return b.toString();
  }
}
