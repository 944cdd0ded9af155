package io.hoop.broker.tunnel;

import io.hoop.api.GrantStatus;
import io.hoop.broker.config.BrokerConfig;
import io.hoop.broker.config.TargetConfig;
import io.hoop.broker.store.GrantStore;
import io.hoop.broker.store.StoredGrant;
import io.hoop.broker.token.InvalidBrokerTokenException;
import io.hoop.broker.token.TokenService;
import io.hoop.tunnel.engine.Admission;
import io.hoop.tunnel.engine.Engine;
import io.hoop.tunnel.engine.Engines;
import io.hoop.tunnel.engine.Holds;
import io.hoop.tunnel.engine.TargetConnector;
import io.hoop.tunnel.protocol.Handshake;
import io.hoop.tunnel.server.TunnelAuthorization;
import io.hoop.tunnel.server.TunnelAuthorizer;
import io.hoop.tunnel.server.TunnelParty;
import io.hoop.tunnel.server.TunnelRejectedException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * Admits a tunnel only for an approved, unexpired grant whose token is genuine and which belongs to
 * the holder of the presented session token. Each check has its own refusal code.
 */
public final class GrantTunnelAuthorizer implements TunnelAuthorizer {
  private final TokenService tokens;
  private final GrantStore grants;
  private final Supplier<BrokerConfig> config;
  private final Clock clock;
  private final Engines engines;
  private final SessionListeners listeners;
  private final BiFunction<StoredGrant, String, Holds> holds;
  private final TunnelLogins logins;
  private final BiFunction<String, String, TargetConnector> connectors;

  /**
   * @param engines the engines tunnels run; the target's section names one
   * @param listeners where admitted sessions' events go (recorded, refusals audited)
   * @param holds the reviewer holds of a session (grant, session id), for operations its engine
   *     sends to review
   * @param logins where each admitted tunnel's login session is noted
   * @param connectors how an engine that dials its target itself reaches it (target, session id)
   */
  public GrantTunnelAuthorizer(
      TokenService tokens,
      GrantStore grants,
      Supplier<BrokerConfig> config,
      Clock clock,
      Engines engines,
      SessionListeners listeners,
      BiFunction<StoredGrant, String, Holds> holds,
      TunnelLogins logins,
      BiFunction<String, String, TargetConnector> connectors) {
    this.tokens = tokens;
    this.grants = grants;
    this.config = config;
    this.clock = clock;
    this.engines = engines;
    this.listeners = listeners;
    this.holds = holds;
    this.logins = logins;
    this.connectors = connectors;
  }

  /** What the checks so far have verified; a refusal is audited with it. */
  private static final class Known {
    String principal;
    String grantId;
    String target;
  }

  @Override
  public TunnelAuthorization authorize(Handshake handshake, SocketAddress remote)
      throws TunnelRejectedException {
    Known known = new Known();
    try {
      return admit(handshake, known);
    } catch (TunnelRejectedException e) {
      throw e.withParty(party(handshake, known));
    }
  }

  /**
   * The refused tunnel's party: only what verified. A session token that is genuine but did not
   * admit its holder (no or a wrong proof) names whose token it was, as {@code claimedPrincipal};
   * claims of tokens that do not verify are not recorded (anyone can write them).
   */
  private TunnelParty party(Handshake handshake, Known known) {
    String grantId = known.grantId;
    if (grantId == null && handshake.grantToken() != null) {
      try {
        grantId = tokens.verifyGrant(handshake.grantToken()).grantId();
      } catch (InvalidBrokerTokenException | RuntimeException e) {
        grantId = null;
      }
    }
    String claimed = null;
    if (known.principal == null && handshake.sessionToken() != null) {
      try {
        claimed = tokens.verifySession(handshake.sessionToken()).principal().name();
      } catch (InvalidBrokerTokenException | RuntimeException e) {
        claimed = null;
      }
    }
    return new TunnelParty(known.principal, grantId, known.target, claimed);
  }

  private TunnelAuthorization admit(Handshake handshake, Known known)
      throws TunnelRejectedException {
    HandshakeProofs.verify(tokens, handshake);
    TokenService.SessionClaims session;
    TokenService.GrantClaims grant;
    try {
      session = tokens.verifySession(handshake.sessionToken());
    } catch (InvalidBrokerTokenException e) {
      throw new TunnelRejectedException("unauthenticated", e.getMessage() + "; run hoop login");
    }
    try {
      grant = tokens.verifyGrant(handshake.grantToken());
    } catch (InvalidBrokerTokenException e) {
      throw new TunnelRejectedException(
          e.getMessage().contains("expired") ? "grant_expired" : "bad_grant_token", e.getMessage());
    }
    String caller = session.principal().name();
    known.principal = caller;
    known.grantId = grant.grantId();
    if (!grant.principal().equals(caller)) {
      throw new TunnelRejectedException(
          "not_your_grant",
          "grant " + grant.grantId() + " was issued to another principal, not " + caller);
    }
    TunnelAuthorization admitted = admitGrant(grant.grantId(), caller, handshake, known);
    logins.bind(admitted.sessionId(), session.sessionId());
    return admitted;
  }

  /**
   * Authorizes a direct session (the broker's PostgreSQL port, after the grant's password was
   * proven) with the same grant, target and engine checks as a tunnel, for the principal the
   * credential was issued to.
   */
  public TunnelAuthorization authorizeDirect(String grantId, String principal)
      throws TunnelRejectedException {
    Known known = new Known();
    known.principal = principal;
    known.grantId = grantId;
    try {
      return admitGrant(grantId, principal, DIRECT, known);
    } catch (TunnelRejectedException e) {
      throw e.withParty(new TunnelParty(principal, grantId, known.target, null));
    }
  }

  /** A direct session has no tunnel handshake; engines read none of its fields for postgres. */
  private static final Handshake DIRECT = new Handshake(null, null, null, false);

  private TunnelAuthorization admitGrant(
      String grantId, String caller, Handshake handshake, Known known)
      throws TunnelRejectedException {
    StoredGrant g =
        grants
            .find(grantId)
            .orElseThrow(
                () ->
                    new TunnelRejectedException(
                        "unknown_grant", "grant " + grantId + " does not exist"));
    known.target = g.target();
    if (!g.principal().equals(caller)) {
      throw new TunnelRejectedException(
          "not_your_grant", "grant " + g.id() + " was issued to another principal, not " + caller);
    }
    Instant now = clock.instant();
    GrantStatus status = g.effectiveStatus(now);
    if (status == GrantStatus.EXPIRED) {
      throw new TunnelRejectedException(
          "grant_expired",
          "grant " + g.id() + " for " + g.target() + " expired at " + g.expiresAt());
    }
    if (status != GrantStatus.APPROVED) {
      throw new TunnelRejectedException(
          "grant_" + status.name().toLowerCase(java.util.Locale.ROOT),
          "grant " + g.id() + " is " + status.name().toLowerCase(java.util.Locale.ROOT));
    }
    TargetConfig target =
        config
            .get()
            .target(g.target())
            .orElseThrow(
                () ->
                    new TunnelRejectedException(
                        "unknown_target", "target " + g.target() + " is no longer configured"));
    Engine engine =
        engines
            .find(target.engine())
            .orElseThrow(
                () ->
                    new TunnelRejectedException(
                        "unknown_engine",
                        "target "
                            + target.name()
                            + " names engine '"
                            + target.engine()
                            + "', which this broker does not run"));
    String sessionId = "s-" + UUID.randomUUID();
    InetSocketAddress upstream = InetSocketAddress.createUnresolved(target.host(), target.port());
    Admission admission =
        new Admission(
            sessionId,
            g.id(),
            caller,
            g.target(),
            g.task(),
            target.resolveRole(g.role()),
            upstream,
            g.expiresAt(),
            handshake,
            listeners.listener(g, engine.name(), sessionId),
            holds.apply(g, sessionId),
            connectors.apply(g.target(), sessionId));
    return new TunnelAuthorization(
        sessionId,
        g.id(),
        caller,
        g.target(),
        g.task(),
        engine.name(),
        upstream,
        g.expiresAt(),
        engine.admit(target.section(), admission));
  }
}
