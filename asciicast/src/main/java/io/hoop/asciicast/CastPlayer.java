package io.hoop.asciicast;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a recording into what a terminal player does: wait {@code delay}, then write {@code data}.
 * Only output events play. Each gap between output events is first capped at the idle limit (a
 * coffee break plays as a short pause, as {@code asciinema play -i} does), then divided by the
 * speed. Pure: the caller sleeps and prints.
 */
public final class CastPlayer {
  /** One step of playback: wait, then write the text to the terminal. */
  public record Frame(Duration delay, String data) {
    public Frame {
      requireNonNull(delay, "delay");
      requireNonNull(data, "data");
    }
  }

  private CastPlayer() {}

  /**
   * The frames of {@code recording} at {@code speed} (above 0, e.g. 2 for twice as fast; 0 means no
   * waiting at all) with gaps capped at {@code maxIdle} (null: the recording's own {@code
   * idle_time_limit}, else no cap).
   */
  public static List<Frame> frames(CastRecording recording, double speed, Duration maxIdle) {
    requireNonNull(recording, "recording");
    if (speed < 0 || !Double.isFinite(speed)) {
      throw new IllegalArgumentException("speed is " + speed + "; expected 0 or a number above 0");
    }
    if (maxIdle != null && maxIdle.isNegative()) {
      throw new IllegalArgumentException("maxIdle is " + maxIdle + "; expected 0 or more");
    }
    Double own = recording.header().idleTimeLimit();
    double cap =
        maxIdle != null ? maxIdle.toNanos() / 1e9 : own != null ? own : Double.POSITIVE_INFINITY;
    List<Frame> out = new ArrayList<>();
    double previous = 0;
    for (CastEvent e : recording.events()) {
      if (!e.type().equals("o")) {
        continue;
      }
      double gap = Math.min(Math.max(0, e.time() - previous), cap);
      previous = e.time();
      long nanos = speed == 0 ? 0 : (long) Math.min(Long.MAX_VALUE / 2.0, gap / speed * 1e9);
      out.add(new Frame(Duration.ofNanos(nanos), e.data()));
    }
    return out;
  }
}
