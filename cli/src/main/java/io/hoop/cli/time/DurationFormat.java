package io.hoop.cli.time;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/** Renders durations and instants for people: {@code 1h30m}, {@code 4m30s}, local time. */
public final class DurationFormat {
  private static final DateTimeFormatter LOCAL =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss z");

  private DurationFormat() {}

  /**
   * {@code 2d3h}, {@code 1h30m}, {@code 29m}, {@code 4m30s}, {@code 45s}; negative as 0s. Rounded
   * to the unit shown, not cut: a grant of 1h read a second after it started is {@code 1h}, as it
   * was asked for, not {@code 59m}.
   */
  public static String compact(Duration d) {
    long s = Math.max(0, d.toSeconds());
    if (s >= 600) {
      // Shown to the minute (to the hour from a day on): round half up to that unit.
      long unit = s >= 86_400 ? 3600 : 60;
      s = (s + unit / 2) / unit * unit;
    }
    long days = s / 86_400;
    long hours = s % 86_400 / 3600;
    long minutes = s % 3600 / 60;
    long seconds = s % 60;
    if (days > 0) {
      return days + "d" + (hours > 0 ? hours + "h" : "");
    }
    if (hours > 0) {
      return hours + "h" + (minutes > 0 ? minutes + "m" : "");
    }
    if (minutes >= 10) {
      return minutes + "m";
    }
    if (minutes > 0) {
      return minutes + "m" + (seconds > 0 ? seconds + "s" : "");
    }
    return seconds + "s";
  }

  /** An instant in the local zone, e.g. {@code 2026-11-22 14:03:00 CET}. */
  public static String local(Instant instant) {
    return instant == null ? "-" : LOCAL.format(instant.atZone(ZoneId.systemDefault()));
  }

  /** {@code in 29m} or {@code 3m ago}. */
  public static String relative(Instant instant, Instant now) {
    if (instant == null) {
      return "-";
    }
    Duration d = Duration.between(now, instant);
    return d.isNegative() ? compact(d.negated()) + " ago" : "in " + compact(d);
  }
}
