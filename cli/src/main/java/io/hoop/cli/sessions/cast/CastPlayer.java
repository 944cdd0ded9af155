package io.hoop.cli.sessions.cast;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a terminal player does with a recording: wait, then write output. Each gap between output
 * events is first capped at the idle limit (a coffee break plays as a short pause, as {@code
 * asciinema play -i} does), then divided by the speed. Pure: the command sleeps and prints.
 */
public final class CastPlayer {
  /** One step: wait {@code delay}, then write {@code data} to the terminal. */
  public record Frame(Duration delay, String data) {
    public Frame {
      Objects.requireNonNull(delay, "delay");
      Objects.requireNonNull(data, "data");
    }
  }

  private CastPlayer() {}

  /**
   * The frames of {@code cast} at {@code speed} (above 0; 0 means no waiting at all) with gaps
   * capped at {@code maxIdle} (null: the recording's own {@code idle_time_limit}, if any).
   */
  public static List<Frame> frames(Cast cast, double speed, Duration maxIdle) {
    Objects.requireNonNull(cast, "cast");
    if (speed < 0 || !Double.isFinite(speed)) {
      throw new IllegalArgumentException("speed is " + speed + "; expected 0 or a number above 0");
    }
    if (maxIdle != null && maxIdle.isNegative()) {
      throw new IllegalArgumentException("maxIdle is " + maxIdle + "; expected 0 or more");
    }
    double cap =
        maxIdle != null
            ? maxIdle.toNanos() / 1e9
            : cast.idleTimeLimit() != null ? cast.idleTimeLimit() : Double.POSITIVE_INFINITY;
    List<Frame> frames = new ArrayList<>();
    double previous = 0;
    for (Cast.Event e : cast.events()) {
      if (!e.type().equals("o")) {
        continue;
      }
      double gap = Math.min(Math.max(0, e.time() - previous), cap);
      previous = e.time();
      long nanos = speed == 0 ? 0 : (long) Math.min(Long.MAX_VALUE / 2.0, gap / speed * 1e9);
      frames.add(new Frame(Duration.ofNanos(nanos), e.data()));
    }
    return frames;
  }
}
