package io.hoop.broker.config;

import static java.util.Objects.requireNonNull;

import io.hoop.api.Durations;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * How long the broker keeps what it records ({@code retention:} and {@code targets[].retention:}).
 * Every kind defaults to {@link Keep#FOREVER}: nothing is purged unless configured.
 *
 * @param recordings terminal recordings (asciicast files) of sessions, by default for every target
 * @param statements recorded statements of sessions, by default for every target
 * @param audit audit records: one hash chain for all targets, so global only
 * @param interval how often the purge job runs
 * @param targets per-target overrides of {@code recordings} and {@code statements}, by target name
 */
public record RetentionConfig(
    Keep recordings,
    Keep statements,
    Keep audit,
    Duration interval,
    Map<String, TargetRetention> targets) {

  /** The purge job's default period. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofHours(1);

  /** Keep everything (no {@code retention} section). */
  public static final RetentionConfig DEFAULTS =
      new RetentionConfig(Keep.FOREVER, Keep.FOREVER, Keep.FOREVER, DEFAULT_INTERVAL, Map.of());

  public RetentionConfig {
    requireNonNull(recordings, "recordings");
    requireNonNull(statements, "statements");
    requireNonNull(audit, "audit");
    requireNonNull(interval, "interval");
    targets = Map.copyOf(targets);
  }

  /** How long recordings of sessions of {@code target} are kept (its override, else global). */
  public Keep recordingsOf(String target) {
    TargetRetention t = targets.get(target);
    return t == null ? recordings : t.recordings().orElse(recordings);
  }

  /** How long statements of sessions of {@code target} are kept (its override, else global). */
  public Keep statementsOf(String target) {
    TargetRetention t = targets.get(target);
    return t == null ? statements : t.statements().orElse(statements);
  }

  /**
   * A target's own settings; empty where it follows the global one.
   *
   * @param recordings its recordings' retention
   * @param statements its statements' retention
   */
  public record TargetRetention(Optional<Keep> recordings, Optional<Keep> statements) {
    public TargetRetention {
      requireNonNull(recordings, "recordings");
      requireNonNull(statements, "statements");
    }
  }

  /**
   * One retention: a duration, or forever ({@code never} purged).
   *
   * @param duration how long after its end a thing is kept; null for forever
   */
  public record Keep(Duration duration) {
    /** Never purged. */
    public static final Keep FOREVER = new Keep(null);

    public boolean forever() {
      return duration == null;
    }

    /** Things that ended before this instant are purged; empty when kept forever. */
    public Optional<Instant> cutoff(Instant now) {
      return forever() ? Optional.empty() : Optional.of(now.minus(duration));
    }

    @Override
    public String toString() {
      return forever() ? "never" : Durations.format(duration);
    }
  }
}
