package io.hoop.broker.config;

import io.hoop.api.Durations;
import io.hoop.broker.config.RetentionConfig.Keep;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Parses {@code retention:} (global) and {@code targets[].retention:} (per target).
 *
 * <pre>
 * retention:
 *   recordings: 90d     # terminal recordings, counted from the session's end
 *   statements: 30d     # recorded statements, counted from the session's end
 *   audit: 400d         # audit records; purged only up to an export's signed checkpoint
 *   interval: 1h        # how often the purge job runs (default 1h)
 * targets:
 *   - name: prod-db
 *     retention: {recordings: 365d, statements: never}
 * </pre>
 *
 * Values are {@code never} (the default) or a whole number of hours or days ({@code 12h}, {@code
 * 90d}, {@code 1d12h}) between {@link #MIN} and {@link #MAX}. A target may set its own recordings
 * and statements retention, shorter or longer than the global one (or {@code never}), within the
 * same bounds; audit records form one chain for every target, so a target cannot set {@code audit}.
 */
final class RetentionSection {
  /** The shortest retention: a recording must outlive the session that wrote it. */
  static final Duration MIN = Duration.ofHours(1);

  /** The longest retention that is not {@code never}: 100 years. */
  static final Duration MAX = Duration.ofDays(36_500);

  static final Duration MIN_INTERVAL = Duration.ofMinutes(1);
  static final Duration MAX_INTERVAL = Duration.ofDays(1);

  private static final Pattern HOURS_DAYS = Pattern.compile("^(\\d{1,6}d)?(\\d{1,6}h)?$");

  private RetentionSection() {}

  /** {@code retention:} as written; every key optional. */
  record RawRetention(String recordings, String statements, String audit, String interval) {}

  /** {@code targets[].retention:} as written; {@code audit} is read only to refuse it. */
  record RawTargetRetention(String recordings, String statements, String audit) {}

  /**
   * The whole policy.
   *
   * @param targets the targets' own settings, by target name, as {@link #target} parsed them
   */
  static RetentionConfig parse(
      String source, RawRetention raw, Map<String, RetentionConfig.TargetRetention> targets)
      throws ConfigException {
    Keep recordings = keep(source, "retention.recordings", raw == null ? null : raw.recordings());
    Keep statements = keep(source, "retention.statements", raw == null ? null : raw.statements());
    Keep audit = keep(source, "retention.audit", raw == null ? null : raw.audit());
    Duration interval = interval(source, raw == null ? null : raw.interval());
    return new RetentionConfig(recordings, statements, audit, interval, targets);
  }

  /** One target's {@code retention:}; {@code key} is its place ({@code targets[2]}). */
  static RetentionConfig.TargetRetention target(String source, String key, RawTargetRetention raw)
      throws ConfigException {
    if (raw == null) {
      return new RetentionConfig.TargetRetention(Optional.empty(), Optional.empty());
    }
    if (raw.audit() != null) {
      throw error(
          source,
          key + ".retention.audit",
          "audit records are one hash chain for every target and are purged together; set"
              + " retention.audit at the top level instead");
    }
    return new RetentionConfig.TargetRetention(
        Optional.ofNullable(
            raw.recordings() == null
                ? null
                : keep(source, key + ".retention.recordings", raw.recordings())),
        Optional.ofNullable(
            raw.statements() == null
                ? null
                : keep(source, key + ".retention.statements", raw.statements())));
  }

  /** {@code never}, absent, or hours/days within [MIN, MAX]. */
  static Keep keep(String source, String key, String value) throws ConfigException {
    if (value == null || value.strip().equals("never")) {
      return Keep.FOREVER;
    }
    String v = value.strip();
    if (v.isEmpty() || v.length() > 16 || !HOURS_DAYS.matcher(v).matches()) {
      throw error(
          source,
          key,
          "'"
              + shown(value)
              + "' is not a retention; expected never or a whole number of days or hours (90d,"
              + " 12h, 1d12h)");
    }
    Duration d = Durations.parse(v);
    if (d.compareTo(MIN) < 0) {
      throw error(
          source,
          key,
          "'" + v + "' is shorter than " + Durations.format(MIN) + "; expected at least 1h");
    }
    if (d.compareTo(MAX) > 0) {
      throw error(
          source,
          key,
          "'"
              + v
              + "' is longer than "
              + MAX.toDays()
              + "d (100 years); to keep everything write never");
    }
    return new Keep(d);
  }

  private static Duration interval(String source, String value) throws ConfigException {
    if (value == null) {
      return RetentionConfig.DEFAULT_INTERVAL;
    }
    Duration d;
    try {
      d = Durations.parse(value);
    } catch (IllegalArgumentException e) {
      throw error(source, "retention.interval", e.getMessage());
    }
    if (d.compareTo(MIN_INTERVAL) < 0 || d.compareTo(MAX_INTERVAL) > 0) {
      throw error(
          source,
          "retention.interval",
          "'" + value.strip() + "' is out of range; expected 1m to 1d (default 1h)");
    }
    return d;
  }

  private static String shown(String s) {
    String c = s.replaceAll("\\p{Cntrl}", "?");
    return c.length() > 40 ? c.substring(0, 40) + "..." : c;
  }

  private static ConfigException error(String source, String key, String message) {
    return new ConfigException(source + ": " + key + ": " + message);
  }
}
