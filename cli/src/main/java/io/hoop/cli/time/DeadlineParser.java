package io.hoop.cli.time;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Parses a deadline: a date {@code 2027-03-31} (valid through that whole day, so until the next
 * midnight UTC) or an ISO instant {@code 2027-03-31T12:00:00Z}.
 */
public final class DeadlineParser implements ITypeConverter<Instant> {
  private static final int MAX_INPUT_LENGTH = 40;

  /** Parses {@code text} or throws an {@link IllegalArgumentException} naming it. */
  public static Instant parse(String text) {
    String trimmed = text == null ? "" : text.strip();
    if (trimmed.isEmpty() || trimmed.length() > MAX_INPUT_LENGTH) {
      throw new IllegalArgumentException(
          "invalid date ("
              + trimmed.length()
              + " characters): expected YYYY-MM-DD or an ISO instant such as 2027-03-31T12:00:00Z");
    }
    try {
      if (trimmed.length() == 10) {
        return LocalDate.parse(trimmed).plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
      }
      return Instant.parse(trimmed);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "invalid date '"
              + trimmed
              + "': expected YYYY-MM-DD or an ISO instant such as 2027-03-31T12:00:00Z");
    }
  }

  @Override
  public Instant convert(String value) {
    try {
      return parse(value);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(e.getMessage());
    }
  }
}
