package io.hoop.broker.tunnel;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Bounds what a flood of tunnel refusals costs the audit log. Refusals are counted by who they
 * name: anonymous ones under one key, the others under the verified principal, the verified grant
 * or the claimed principal (a copied token works like a password, so one leaked token must not buy
 * one record per handshake). The first refusals of each key in a window get a record each ({@code
 * anonymousPerWindow} for anonymous ones, {@code perKey} for each named key); the rest are counted
 * and summed up, one record per key, when the window ends. At most {@link #MAX_KEYS} named keys are
 * tracked per window; refusals of further keys count as anonymous. So a window costs at most {@code
 * anonymousPerWindow + 1 + MAX_KEYS * (perKey + 1)} records, however fast the flood.
 */
final class RejectionThrottle {
  /** At most this many remote addresses are named in a summary. */
  static final int MAX_REMOTES = 10;

  /** At most this many named keys (principals, grants) are tracked in a window. */
  static final int MAX_KEYS = 32;

  /** The key of refusals that name nobody. */
  static final Key ANONYMOUS = new Key(null, null, null);

  /**
   * Who a refusal names; all null for anonymous ones.
   *
   * @param principal the verified principal
   * @param grantId the verified grant
   * @param claimedPrincipal the principal of a genuine session token presented without its key
   */
  record Key(String principal, String grantId, String claimedPrincipal) {
    boolean anonymous() {
      return principal == null && grantId == null && claimedPrincipal == null;
    }
  }

  /**
   * What a window suppressed for one key.
   *
   * @param key who the suppressed refusals named
   * @param from start of the window
   * @param to when it was summed up
   * @param suppressed refusals without a record of their own
   * @param byCode how many of each refusal code
   * @param remotes some of the remote addresses, at most {@link #MAX_REMOTES}
   */
  record Summary(
      Key key,
      Instant from,
      Instant to,
      long suppressed,
      Map<String, Long> byCode,
      List<String> remotes) {}

  /**
   * What to do with one refusal.
   *
   * @param record whether it gets a record of its own
   * @param due summaries of the window that just ended, to write first; empty for none
   */
  record Outcome(boolean record, List<Summary> due) {}

  private static final class Counter {
    int admitted;
    long suppressed;
    final Map<String, Long> byCode = new TreeMap<>();
    final Set<String> remotes = new LinkedHashSet<>();
  }

  private final Clock clock;
  private final int anonymousPerWindow;
  private final int perKey;
  private final Duration window;

  private Instant windowStart;
  private final Map<Key, Counter> counters = new LinkedHashMap<>();

  RejectionThrottle(Clock clock, int anonymousPerWindow, int perKey, Duration window) {
    this.clock = requireNonNull(clock, "clock");
    this.window = requireNonNull(window, "window");
    if (anonymousPerWindow < 1 || perKey < 1) {
      throw new IllegalArgumentException(
          "anonymousPerWindow "
              + anonymousPerWindow
              + " and perKey "
              + perKey
              + " must be at least 1");
    }
    if (window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("window " + window + " must be positive");
    }
    this.anonymousPerWindow = anonymousPerWindow;
    this.perKey = perKey;
    this.windowStart = clock.instant();
  }

  Duration window() {
    return window;
  }

  /** The most records one window can cost. */
  int maxRecordsPerWindow() {
    return anonymousPerWindow + 1 + MAX_KEYS * (perKey + 1);
  }

  synchronized Outcome offer(Key key, String code, String remote) {
    List<Summary> due = rollIfElapsed(clock.instant());
    Key k = key == null ? ANONYMOUS : key;
    Counter c = counters.get(k);
    if (c == null) {
      long named = counters.keySet().stream().filter(x -> !x.anonymous()).count();
      if (!k.anonymous() && named >= MAX_KEYS) {
        k = ANONYMOUS;
        c = counters.get(k);
      }
      if (c == null) {
        c = new Counter();
        counters.put(k, c);
      }
    }
    if (c.admitted < (k.anonymous() ? anonymousPerWindow : perKey)) {
      c.admitted++;
      return new Outcome(true, due);
    }
    c.suppressed++;
    c.byCode.merge(String.valueOf(code), 1L, Long::sum);
    if (c.remotes.size() < MAX_REMOTES) {
      c.remotes.add(String.valueOf(remote));
    }
    return new Outcome(false, due);
  }

  /** The summaries of the current window if it has ended and suppressed anything; else empty. */
  synchronized List<Summary> drainIfElapsed() {
    return rollIfElapsed(clock.instant());
  }

  private List<Summary> rollIfElapsed(Instant now) {
    if (now.isBefore(windowStart.plus(window))) {
      return List.of();
    }
    List<Summary> out = new ArrayList<>();
    counters.forEach(
        (k, c) -> {
          if (c.suppressed > 0) {
            out.add(
                new Summary(
                    k,
                    windowStart,
                    now,
                    c.suppressed,
                    Map.copyOf(c.byCode),
                    List.copyOf(c.remotes)));
          }
        });
    windowStart = now;
    counters.clear();
    return out;
  }
}
