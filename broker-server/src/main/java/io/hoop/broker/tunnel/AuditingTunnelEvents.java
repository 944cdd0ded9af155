package io.hoop.broker.tunnel;

import io.hoop.broker.store.AuditLog;
import io.hoop.broker.store.SessionStore;
import io.hoop.tunnel.server.TunnelAuthorization;
import io.hoop.tunnel.server.TunnelEvents;
import io.hoop.tunnel.server.TunnelParty;
import java.net.SocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes tunnel lifecycle to the audit log and the session table; never throws into netty. */
public final class AuditingTunnelEvents implements TunnelEvents {
  private static final Logger LOG = LoggerFactory.getLogger(AuditingTunnelEvents.class);

  /** Anonymous refusals with a record of their own per minute; the rest are summed up. */
  static final int REJECTIONS_PER_MINUTE = 60;

  /** Refusals naming one principal or grant with a record of their own per minute. */
  static final int REJECTIONS_PER_KEY_PER_MINUTE = 10;

  private final AuditLog audit;
  private final SessionStore sessions;
  private final Clock clock;
  private final Function<TunnelAuthorization, String> roles;
  private final RejectionThrottle throttle;
  private final AtomicBoolean flushScheduled = new AtomicBoolean();
  private volatile ScheduledExecutorService flusher;

  public AuditingTunnelEvents(AuditLog audit, SessionStore sessions, Clock clock) {
    this(audit, sessions, clock, a -> null);
  }

  /**
   * @param roles the role each session runs as, stored with it (see {@link SessionRoles})
   */
  public AuditingTunnelEvents(
      AuditLog audit,
      SessionStore sessions,
      Clock clock,
      Function<TunnelAuthorization, String> roles) {
    this(
        audit,
        sessions,
        clock,
        roles,
        new RejectionThrottle(clock, REJECTIONS_PER_MINUTE, REJECTIONS_PER_KEY_PER_MINUTE, MINUTE));
  }

  AuditingTunnelEvents(
      AuditLog audit,
      SessionStore sessions,
      Clock clock,
      Function<TunnelAuthorization, String> roles,
      RejectionThrottle throttle) {
    this.audit = audit;
    this.sessions = sessions;
    this.clock = clock;
    this.roles = roles;
    this.throttle = throttle;
  }

  private static final Duration MINUTE = Duration.ofMinutes(1);

  @Override
  public void rejected(SocketAddress remote, String code, String message) {
    rejected(remote, code, message, TunnelParty.UNKNOWN);
  }

  /**
   * Records the refusal with the verified principal and grant in the record's own columns; a
   * genuine session token presented without its key goes in {@code claimedPrincipal}.
   */
  @Override
  public void rejected(SocketAddress remote, String code, String message, TunnelParty party) {
    // Every refusal counts against who it names (a copied token must not buy a record per
    // handshake); the first ones of each window are recorded, the rest summed up under that name.
    RejectionThrottle.Outcome outcome =
        throttle.offer(
            new RejectionThrottle.Key(party.principal(), party.grantId(), party.claimedPrincipal()),
            code,
            String.valueOf(remote));
    outcome.due().forEach(this::writeSummary);
    if (!outcome.record()) {
      scheduleFlush();
      return;
    }
    LOG.info(
        "tunnel rejected remote={} code={} principal={} grant={} claimedPrincipal={}",
        remote,
        code,
        party.principal(),
        party.grantId(),
        party.claimedPrincipal());
    safely(
        () -> {
          Map<String, Object> d = new LinkedHashMap<>();
          d.put("remote", String.valueOf(remote));
          d.put("code", code);
          d.put("reason", code);
          d.put("message", message);
          if (party.claimedPrincipal() != null) {
            d.put("claimedPrincipal", party.claimedPrincipal());
          }
          audit.append(
              "tunnel.rejected", party.principal(), party.target(), party.grantId(), null, d);
        });
  }

  @Override
  public void opened(TunnelAuthorization a, SocketAddress remote) {
    LOG.info(
        "tunnel open session={} grant={} principal={} target={}",
        a.sessionId(),
        a.grantId(),
        a.principal(),
        a.target());
    safely(
        () -> {
          sessions.tunnelOpened(
              a.sessionId(),
              a.grantId(),
              a.principal(),
              a.target(),
              a.task(),
              roles.apply(a),
              String.valueOf(remote),
              clock.instant());
          audit.append(
              "tunnel.open",
              a.principal(),
              a.target(),
              a.grantId(),
              a.task(),
              Map.of("session", a.sessionId(), "remote", String.valueOf(remote)));
        });
  }

  @Override
  public void closed(TunnelAuthorization a, long bytesUp, long bytesDown, String reason) {
    LOG.info(
        "tunnel close session={} grant={} up={} down={} reason={}",
        a.sessionId(),
        a.grantId(),
        bytesUp,
        bytesDown,
        reason);
    safely(
        () -> {
          sessions.tunnelClosed(a.sessionId(), bytesUp, bytesDown, reason, clock.instant());
          Map<String, Object> d = new LinkedHashMap<>();
          d.put("session", a.sessionId());
          d.put("bytesUp", bytesUp);
          d.put("bytesDown", bytesDown);
          d.put("reason", reason);
          audit.append("tunnel.close", a.principal(), a.target(), a.grantId(), a.task(), d);
        });
  }

  /** Writes what the throttle suppressed in a window that has ended; called from its timer too. */
  void flush() {
    flushScheduled.set(false);
    throttle.drainIfElapsed().forEach(this::writeSummary);
  }

  private void writeSummary(RejectionThrottle.Summary s) {
    RejectionThrottle.Key k = s.key();
    LOG.warn(
        "tunnel refusals summed up count={} from={} to={} codes={} principal={} grant={}"
            + " claimedPrincipal={}",
        s.suppressed(),
        s.from(),
        s.to(),
        s.byCode(),
        k.principal(),
        k.grantId(),
        k.claimedPrincipal());
    safely(
        () -> {
          Map<String, Object> d = new LinkedHashMap<>();
          d.put("count", s.suppressed());
          d.put("from", s.from().toString());
          d.put("to", s.to().toString());
          d.put("codes", s.byCode());
          d.put("remotes", s.remotes());
          if (k.claimedPrincipal() != null) {
            d.put("claimedPrincipal", k.claimedPrincipal());
          }
          audit.append("tunnel.rejected.summary", k.principal(), null, k.grantId(), null, d);
        });
  }

  private void scheduleFlush() {
    if (!flushScheduled.compareAndSet(false, true)) {
      return;
    }
    try {
      flusher().schedule(this::flush, throttle.window().toMillis() + 100, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      flushScheduled.set(false);
    }
  }

  private ScheduledExecutorService flusher() {
    ScheduledExecutorService f = flusher;
    if (f == null) {
      synchronized (this) {
        f = flusher;
        if (f == null) {
          // Made only when a flood starts; a daemon, so it never holds the broker open.
          f =
              Executors.newSingleThreadScheduledExecutor(
                  r -> {
                    Thread t = new Thread(r, "hoop-tunnel-refusal-summary");
                    t.setDaemon(true);
                    return t;
                  });
          flusher = f;
        }
      }
    }
    return f;
  }

  private static void safely(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      LOG.error("cannot record tunnel event", e);
    }
  }
}
