package io.hoop.broker.http;

import static java.util.Objects.requireNonNull;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Audits and logs refused API requests, bounded under a flood. Refusals of verified principals and
 * anonymous ones are counted apart, so that an anonymous flood can never use up the budget that
 * records a verified principal's refusal (a self-approval attempt after a flood from many addresses
 * is still recorded in full, naming the principal). Within each window, per pool, the first {@code
 * perKey} refusals of one key and error code are recorded in full (at most {@code maxDetailed} in
 * all); the rest are counted and summed up in one summary record per key and code when the window
 * ends. The key is the principal for verified refusals (the summary names it) and the remote
 * address for anonymous ones. At most {@code maxKeys} key/code pairs are tracked per pool and
 * window; refusals of further pairs are counted into one overflow summary. So one window costs at
 * most {@code 2 * (maxDetailed + maxKeys + 1)} records, whatever the flood.
 *
 * <p>A record never holds a token: the principal (verified only), the remote address, the method
 * and path, the status, the error code and its message, which names what was wrong without quoting
 * secrets.
 */
public final class RefusalAudit {
  private static final Logger LOG = LoggerFactory.getLogger(RefusalAudit.class);

  /** Audit type of refused logins ({@code /v1/auth/session}, {@code /v1/auth/token}). */
  public static final String LOGIN_REFUSED = "login.refused";

  /** Audit type of every other refused request. */
  public static final String REQUEST_REFUSED = "request.refused";

  /** Audit type of the count of refusals not recorded one by one in a window. */
  public static final String SUMMARY = "request.refused.summary";

  public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(1);
  public static final int DEFAULT_PER_KEY = 5;
  public static final int DEFAULT_MAX_DETAILED = 100;
  public static final int DEFAULT_MAX_KEYS = 64;

  private static final int MAX_TEXT = 300;

  /** Where records go (the audit log). */
  @FunctionalInterface
  public interface Sink {
    void append(String type, String principal, Map<String, Object> details);
  }

  /**
   * One refused request.
   *
   * @param remote the peer's address, null when unknown
   * @param method the HTTP method
   * @param path the request path
   * @param status the HTTP status of the refusal
   * @param code the error code
   * @param reason the error message
   * @param principal the verified principal behind the request, or null
   */
  public record Refusal(
      InetSocketAddress remote,
      String method,
      String path,
      int status,
      String code,
      String reason,
      String principal) {}

  private record Entry(String type, String principal, Map<String, Object> details) {}

  private static final class Counter {
    final String remote;
    final String principal;
    final String code;
    int detailed;
    long suppressed;

    Counter(String remote, String principal, String code) {
      this.remote = remote;
      this.principal = principal;
      this.code = code;
    }
  }

  /** The counters of one kind of refusal (verified or anonymous) in the current window. */
  private static final class Pool {
    final Map<String, Counter> counters = new LinkedHashMap<>();
    int detailed;
    long overflow;
  }

  private final Sink sink;
  private final Clock clock;
  private final Duration window;
  private final int perKey;
  private final int maxDetailed;
  private final int maxKeys;
  private final Pool verified = new Pool();
  private final Pool anonymous = new Pool();
  private Instant windowStart;

  /** With the defaults: one minute, 5 per remote and code, 100 in all, 64 pairs. */
  public RefusalAudit(Sink sink, Clock clock) {
    this(sink, clock, DEFAULT_WINDOW, DEFAULT_PER_KEY, DEFAULT_MAX_DETAILED, DEFAULT_MAX_KEYS);
  }

  public RefusalAudit(
      Sink sink, Clock clock, Duration window, int perKey, int maxDetailed, int maxKeys) {
    this.sink = requireNonNull(sink, "sink");
    this.clock = requireNonNull(clock, "clock");
    this.window = requireNonNull(window, "window");
    if (window.isNegative() || window.isZero() || perKey < 1 || maxDetailed < 1 || maxKeys < 1) {
      throw new IllegalArgumentException(
          "window, perKey, maxDetailed and maxKeys must be positive");
    }
    this.perKey = perKey;
    this.maxDetailed = maxDetailed;
    this.maxKeys = maxKeys;
  }

  /** The most records one window can cost. */
  public int maxRecordsPerWindow() {
    return 2 * (maxDetailed + maxKeys + 1);
  }

  /** Records (or counts) one refusal. Never throws: a failing audit store is logged. */
  public void refused(Refusal r) {
    requireNonNull(r, "r");
    write(admit(r, clock.instant()));
  }

  /** Ends the window when it is over, writing its summaries; called by a timer. */
  public void tick() {
    List<Entry> out;
    synchronized (this) {
      out = roll(clock.instant());
    }
    write(out);
  }

  private synchronized List<Entry> admit(Refusal r, Instant now) {
    List<Entry> out = roll(now);
    String remote = host(r.remote());
    String code = clip(r.code());
    Pool pool = r.principal() == null ? anonymous : verified;
    String key = (r.principal() == null ? remote : "principal " + r.principal()) + " " + code;
    Counter c = pool.counters.get(key);
    if (c == null) {
      if (pool.counters.size() >= maxKeys) {
        pool.overflow++;
        return out;
      }
      c = new Counter(r.principal() == null ? remote : "*", r.principal(), code);
      pool.counters.put(key, c);
    }
    if (c.detailed < perKey && pool.detailed < maxDetailed) {
      c.detailed++;
      pool.detailed++;
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("remote", r.remote() == null ? "unknown" : remote + ":" + r.remote().getPort());
      d.put("method", clip(r.method()));
      d.put("path", clip(r.path()));
      d.put("status", r.status());
      d.put("code", code);
      d.put("reason", clip(r.reason()));
      out.add(new Entry(typeOf(r.path()), r.principal(), d));
    } else {
      c.suppressed++;
    }
    return out;
  }

  private List<Entry> roll(Instant now) {
    List<Entry> out = new ArrayList<>();
    if (windowStart == null) {
      windowStart = now;
      return out;
    }
    if (now.isBefore(windowStart.plus(window))) {
      return out;
    }
    for (Pool pool : List.of(verified, anonymous)) {
      for (Counter c : pool.counters.values()) {
        if (c.suppressed > 0) {
          out.add(summary(c.remote, c.principal, c.code, c.suppressed, now));
        }
      }
      if (pool.overflow > 0) {
        Entry e = summary("*", null, "*", pool.overflow, now);
        e.details().put("verifiedPrincipals", pool == verified);
        out.add(e);
      }
      pool.counters.clear();
      pool.detailed = 0;
      pool.overflow = 0;
    }
    windowStart = now;
    return out;
  }

  private Entry summary(String remote, String principal, String code, long count, Instant now) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("remote", remote);
    d.put("code", code);
    d.put("count", count);
    d.put("from", windowStart.toString());
    d.put("until", now.toString());
    return new Entry(SUMMARY, principal, d);
  }

  private void write(List<Entry> entries) {
    for (Entry e : entries) {
      if (SUMMARY.equals(e.type())) {
        LOG.warn("event={} principal={} {}", e.type(), e.principal(), e.details());
      } else {
        LOG.info("event={} principal={} {}", e.type(), e.principal(), e.details());
      }
      try {
        sink.append(e.type(), e.principal(), e.details());
      } catch (RuntimeException ex) {
        LOG.warn("event=refusal_audit_failed type={} error={}", e.type(), ex.toString());
      }
    }
  }

  static String typeOf(String path) {
    return "/v1/auth/session".equals(path) || "/v1/auth/token".equals(path)
        ? LOGIN_REFUSED
        : REQUEST_REFUSED;
  }

  private static String host(InetSocketAddress a) {
    if (a == null) {
      return "unknown";
    }
    InetAddress ip = a.getAddress();
    return ip == null ? clip(a.getHostString()) : ip.getHostAddress();
  }

  // Paths and messages carry request text: bounded and without control characters.
  private static String clip(String s) {
    if (s == null) {
      return "";
    }
    String t = s.length() > MAX_TEXT ? s.substring(0, MAX_TEXT) + "..." : s;
    return t.replaceAll("\\p{Cntrl}", "?");
  }
}
