package io.hoop.engine.ssh.recording;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a recording into what a terminal player does: wait {@code delay}, then write {@code data}.
 * Only output events play; delays are divided by {@code speed} after each gap is capped at {@code
 * maxIdle} (so a coffee break plays as a short pause). Pure: the CLI sleeps and prints.
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
   * The frames of {@code recording} at {@code speed} (greater than 0, e.g. 2 for twice as fast)
   * with idle gaps capped at {@code maxIdle} (null for no cap).
   */
  public static List<Frame> frames(CastRecording recording, double speed, Duration maxIdle) {
    requireNonNull(recording, "recording");
    if (!(speed > 0) || Double.isInfinite(speed)) {
      throw new IllegalArgumentException("speed is " + speed + "; expected a number above 0");
    }
    if (maxIdle != null && maxIdle.isNegative()) {
      throw new IllegalArgumentException("maxIdle is " + maxIdle + "; expected 0 or more");
    }
    List<Frame> out = new ArrayList<>();
    double previous = 0;
    for (CastEvent e : recording.events()) {
      if (!e.type().equals("o")) {
        continue;
      }
      double gap = Math.max(0, e.time() - previous);
      previous = e.time();
      if (maxIdle != null) {
        gap = Math.min(gap, maxIdle.toNanos() / 1e9);
      }
      long nanos = (long) Math.min(Long.MAX_VALUE / 2.0, gap / speed * 1e9);
      out.add(new Frame(Duration.ofNanos(nanos), e.data()));
    }
    return out;
  }
}
