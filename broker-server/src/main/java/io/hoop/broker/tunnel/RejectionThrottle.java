package io.hoop.broker.tunnel;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Bounds what a flood of anonymous tunnel refusals costs the audit log: the first {@code perWindow}
 * of each window get a record each, the rest are counted and summed up in one record when the
 * window ends. So a flood costs at most {@code perWindow + 1} records per window, however fast it
 * comes. Refusals that name a verified caller or grant never go through it: they need valid tokens
 * and are attributable, and a flood must not hide them.
 */
final class RejectionThrottle {
  /** At most this many remote addresses are named in a summary. */
  static final int MAX_REMOTES = 10;

  /**
   * What a window suppressed.
   *
   * @param from start of the window
   * @param to when it was summed up
   * @param suppressed refusals without a record of their own
   * @param byCode how many of each refusal code
   * @param remotes some of the remote addresses, at most {@link #MAX_REMOTES}
   */
  record Summary(
      Instant from, Instant to, long suppressed, Map<String, Long> byCode, List<String> remotes) {}

  /**
   * What to do with one refusal.
   *
   * @param record whether it gets a record of its own
   * @param due a summary of the window that just ended, to write first; null for none
   */
  record Outcome(boolean record, Summary due) {}

  private final Clock clock;
  private final int perWindow;
  private final Duration window;

  private Instant windowStart;
  private int admitted;
  private long suppressed;
  private final Map<String, Long> byCode = new TreeMap<>();
  private final Set<String> remotes = new LinkedHashSet<>();

  RejectionThrottle(Clock clock, int perWindow, Duration window) {
    this.clock = requireNonNull(clock, "clock");
    this.window = requireNonNull(window, "window");
    if (perWindow < 1) {
      throw new IllegalArgumentException("perWindow " + perWindow + " must be at least 1");
    }
    if (window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("window " + window + " must be positive");
    }
    this.perWindow = perWindow;
    this.windowStart = clock.instant();
  }

  Duration window() {
    return window;
  }

  synchronized Outcome offer(String code, String remote) {
    Summary due = rollIfElapsed(clock.instant());
    if (admitted < perWindow) {
      admitted++;
      return new Outcome(true, due);
    }
    suppressed++;
    byCode.merge(String.valueOf(code), 1L, Long::sum);
    if (remotes.size() < MAX_REMOTES) {
      remotes.add(String.valueOf(remote));
    }
    return new Outcome(false, due);
  }

  /** The summary of the current window if it has ended and suppressed anything; else null. */
  synchronized Summary drainIfElapsed() {
    return rollIfElapsed(clock.instant());
  }

  private Summary rollIfElapsed(Instant now) {
    if (now.isBefore(windowStart.plus(window))) {
      return null;
    }
    Summary summary =
        suppressed == 0
            ? null
            : new Summary(windowStart, now, suppressed, Map.copyOf(byCode), List.copyOf(remotes));
    windowStart = now;
    admitted = 0;
    suppressed = 0;
    byCode.clear();
    remotes.clear();
    return summary;
  }
}
