package io.hoop.broker.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoop.api.AuditEvent;
import io.hoop.broker.store.AuditLog;
import io.hoop.broker.store.SessionStore;
import io.hoop.broker.store.Store;
import io.hoop.tunnel.server.TunnelParty;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A flood of tunnel refusals costs the audit log a bounded number of records, never silence. */
class AuditingTunnelEventsTest {
  @TempDir Path dir;

  @Test
  void aFloodOfAnonymousRefusalsCostsAtMostTheQuotaPlusOneSummaryPerWindow() {
    MutableClock clock = new MutableClock();
    try (Store s = Store.openEmbedded(dir)) {
      AuditLog log = new AuditLog(s, clock);
      AuditingTunnelEvents events = events(s, log, clock);
      for (int i = 0; i < 1_000; i++) {
        events.rejected(
            remote(i), i % 2 == 0 ? "bad_handshake" : "unauthenticated", "no", TunnelParty.UNKNOWN);
      }
      assertThat(types(log)).containsOnly("tunnel.rejected").hasSize(5);
      // An attributable refusal is never held back by the flood.
      events.rejected(remote(1), "not_your_grant", "no", new TunnelParty("bob", "g-1", "db", null));
      assertThat(log.list(0, 10_000, "bob", null)).hasSize(1);

      clock.advance(Duration.ofSeconds(61));
      events.flush();
      List<AuditEvent> all = log.list(0, 10_000, null, null);
      assertThat(all).hasSize(7);
      AuditEvent summary = all.get(6);
      assertThat(summary.type()).isEqualTo("tunnel.rejected.summary");
      assertThat(summary.details()).containsEntry("count", 995);
      assertThat(summary.details().get("codes"))
          .isEqualTo(Map.of("bad_handshake", 497, "unauthenticated", 498));
      assertThat((List<?>) summary.details().get("remotes")).hasSize(RejectionThrottle.MAX_REMOTES);

      // The next window starts with a fresh quota; a window with nothing held back adds nothing.
      events.rejected(remote(7), "bad_handshake", "no", TunnelParty.UNKNOWN);
      clock.advance(Duration.ofSeconds(61));
      events.flush();
      assertThat(log.list(0, 10_000, null, null)).hasSize(8);
    }
  }

  /**
   * Finding (review of issue 11): a refusal that names only what a copied token says (a grant
   * token, which is a bearer token, or a genuine session token without its key) bypasses the
   * throttle, so whoever holds one leaked token writes one audit record per handshake, without
   * bound. Now each named party has a quota of its own, and its summary names it.
   */
  @Test
  void aFloodWithOneCopiedTokenCostsABoundedNumberOfRecords() {
    MutableClock clock = new MutableClock();
    try (Store s = Store.openEmbedded(dir)) {
      AuditLog log = new AuditLog(s, clock);
      AuditingTunnelEvents events = events(s, log, clock);
      for (int i = 0; i < 1_000; i++) {
        events.rejected(
            remote(i),
            "unauthenticated",
            "no",
            i % 2 == 0
                ? new TunnelParty(null, "g-1", null, null)
                : new TunnelParty(null, null, null, "alice"));
      }
      assertThat(types(log)).hasSizeLessThanOrEqualTo(20);
      clock.advance(Duration.ofSeconds(61));
      events.flush();
      assertThat(types(log)).contains("tunnel.rejected.summary").hasSizeLessThanOrEqualTo(25);
      List<AuditEvent> summaries =
          log.list(0, 10_000, null, null).stream()
              .filter(e -> e.type().equals("tunnel.rejected.summary"))
              .toList();
      assertThat(summaries).hasSize(2);
      assertThat(summaries)
          .anySatisfy(
              e -> {
                assertThat(e.grantId()).isEqualTo("g-1");
                assertThat(e.details()).containsEntry("count", 495);
              })
          .anySatisfy(
              e ->
                  assertThat(e.details())
                      .containsEntry("claimedPrincipal", "alice")
                      .containsEntry("count", 495));
    }
  }

  @Test
  void aFloodOfManyCopiedTokensIsBoundedToo() {
    MutableClock clock = new MutableClock();
    try (Store s = Store.openEmbedded(dir)) {
      AuditLog log = new AuditLog(s, clock);
      AuditingTunnelEvents events = events(s, log, clock);
      for (int i = 0; i < 5_000; i++) {
        events.rejected(
            remote(i % 1000),
            "unauthenticated",
            "no",
            new TunnelParty(null, "g-" + (i % 500), null, null));
      }
      clock.advance(Duration.ofSeconds(61));
      events.flush();
      // 5 + 1 anonymous, and 32 named keys with 5 + 1 each.
      assertThat(types(log)).hasSizeLessThanOrEqualTo(5 + 1 + RejectionThrottle.MAX_KEYS * 6);
    }
  }

  /** Events with a quota of 5 anonymous refusals a minute, and 5 for each named party. */
  private static AuditingTunnelEvents events(Store s, AuditLog log, Clock clock) {
    return new AuditingTunnelEvents(
        log,
        new SessionStore(s),
        clock,
        a -> null,
        new RejectionThrottle(clock, 5, 5, Duration.ofMinutes(1)));
  }

  private static List<String> types(AuditLog log) {
    return log.list(0, 10_000, null, null).stream().map(AuditEvent::type).toList();
  }

  private static InetSocketAddress remote(int i) {
    return new InetSocketAddress("10.0." + (i / 250) + "." + (i % 250), 40_000);
  }

  static final class MutableClock extends Clock {
    private Instant now = Instant.parse("2026-12-01T00:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
