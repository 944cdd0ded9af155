package io.hoop.broker.tunnel;

import io.hoop.broker.store.AuditLog;
import io.hoop.broker.store.SessionStore;
import io.hoop.tunnel.server.TunnelAuthorization;
import io.hoop.tunnel.server.TunnelEvents;
import java.net.SocketAddress;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes tunnel lifecycle to the audit log and the session table; never throws into netty. */
public final class AuditingTunnelEvents implements TunnelEvents {
  private static final Logger LOG = LoggerFactory.getLogger(AuditingTunnelEvents.class);
  private final AuditLog audit;
  private final SessionStore sessions;
  private final Clock clock;
  private final Function<TunnelAuthorization, String> roles;

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
    this.audit = audit;
    this.sessions = sessions;
    this.clock = clock;
    this.roles = roles;
  }

  @Override
  public void rejected(SocketAddress remote, String code, String message) {
    LOG.info("tunnel rejected remote={} code={}", remote, code);
    safely(
        () ->
            audit.append(
                "tunnel.rejected",
                null,
                null,
                null,
                null,
                Map.of("remote", String.valueOf(remote), "code", code, "message", message)));
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

  private static void safely(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      LOG.error("cannot record tunnel event", e);
    }
  }
}
