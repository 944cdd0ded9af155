package io.hoop.broker.cluster;

import static java.util.Objects.requireNonNull;

import io.hoop.api.GrantStatus;
import io.hoop.broker.governance.BrokerHolds;
import io.hoop.broker.store.GrantStore;
import io.hoop.broker.store.StoredGrant;
import io.hoop.broker.token.RevocationCache;
import io.hoop.broker.tunnel.TunnelLogins;
import io.hoop.tunnel.server.TunnelAuthorization;
import io.hoop.tunnel.server.TunnelServer;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes this broker's live tunnels and waiting holds agree with the store, which another replica
 * may have changed: a tunnel whose grant is no longer approved, or whose login session was revoked,
 * is closed with the reason the store gives; a session waiting for a hold a reviewer decided
 * elsewhere goes on or is refused. Run for one grant, login or hold when the cluster channel names
 * it, and for everything periodically, which catches a message that never arrived.
 *
 * <p>The store is the truth, never the message: a check finds nothing to do when nothing changed.
 */
public final class Reconciler {
  private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);

  private final TunnelServer tunnels;
  private final GrantStore grants;
  private final RevocationCache revocations;
  private final TunnelLogins logins;
  private final BrokerHolds holds;
  private final Clock clock;
  private final java.util.concurrent.atomic.AtomicLong closedTotal =
      new java.util.concurrent.atomic.AtomicLong();

  public Reconciler(
      TunnelServer tunnels,
      GrantStore grants,
      RevocationCache revocations,
      TunnelLogins logins,
      BrokerHolds holds,
      Clock clock) {
    this.tunnels = requireNonNull(tunnels, "tunnels");
    this.grants = requireNonNull(grants, "grants");
    this.revocations = requireNonNull(revocations, "revocations");
    this.logins = requireNonNull(logins, "logins");
    this.holds = requireNonNull(holds, "holds");
    this.clock = requireNonNull(clock, "clock");
  }

  /** How many tunnels reconciliation closed since start (decisions made on other replicas). */
  public long closedTotal() {
    return closedTotal.get();
  }

  /** Everything: every live tunnel's grant and login, every waiting hold. */
  public int all() {
    List<TunnelAuthorization> live = tunnels.live();
    Set<String> ids = new HashSet<>();
    for (TunnelAuthorization a : live) {
      ids.add(a.sessionId());
    }
    logins.retain(ids);
    revocations.refresh();
    int closed = grants(grantIds(live)) + logins(live);
    for (String hold : holds.waitingIds()) {
      holds.settle(hold);
    }
    return closed;
  }

  /** The tunnels of one grant, if any run here. */
  public int grant(String grantId) {
    for (TunnelAuthorization a : tunnels.live()) {
      if (grantId.equals(a.grantId())) {
        return grants(Set.of(grantId));
      }
    }
    return 0;
  }

  /** The tunnels opened under a login session another replica revoked. */
  public int login(String loginSession) {
    revocations.refresh();
    if (!revocations.isRevoked(loginSession)) {
      return 0;
    }
    return close(Set.of(loginSession));
  }

  /** A hold decided elsewhere, if a session here waits for it. */
  public void hold(String holdId) {
    holds.settle(holdId);
  }

  private static Set<String> grantIds(Collection<TunnelAuthorization> live) {
    Set<String> out = new HashSet<>();
    for (TunnelAuthorization a : live) {
      if (a.grantId() != null) {
        out.add(a.grantId());
      }
    }
    return out;
  }

  private int grants(Set<String> ids) {
    if (ids.isEmpty()) {
      return 0;
    }
    Instant now = clock.instant();
    Map<String, StoredGrant> stored = new HashMap<>();
    for (StoredGrant g : grants.findAll(ids)) {
      stored.put(g.id(), g);
    }
    int closed = 0;
    for (String id : ids) {
      StoredGrant g = stored.get(id);
      GrantStatus status = g == null ? null : g.effectiveStatus(now);
      if (status == GrantStatus.APPROVED) {
        continue;
      }
      String code = code(status);
      String message = message(id, g, status);
      holds.grantEnded(id, message);
      int n = tunnels.closeGrant(id, code, message);
      if (n > 0) {
        closedTotal.addAndGet(n);
        LOG.info("reconciled grant={} status={} tunnelsClosed={}", id, status, n);
      }
      closed += n;
    }
    return closed;
  }

  private int logins(List<TunnelAuthorization> live) {
    Set<String> revoked = new HashSet<>();
    for (TunnelAuthorization a : live) {
      logins.loginOf(a.sessionId()).filter(revocations::isRevoked).ifPresent(revoked::add);
    }
    return revoked.isEmpty() ? 0 : close(revoked);
  }

  private int close(Set<String> revokedLogins) {
    int n =
        tunnels.close(
            a -> logins.loginOf(a.sessionId()).map(revokedLogins::contains).orElse(false),
            "session_revoked",
            "the login session this tunnel was opened under was revoked (logged out, or revoked"
                + " by an admin); run hoop login, then connect again");
    if (n > 0) {
      closedTotal.addAndGet(n);
      LOG.info("reconciled logins={} tunnelsClosed={}", revokedLogins.size(), n);
    }
    return n;
  }

  static String code(GrantStatus status) {
    if (status == null) {
      return "grant_unknown";
    }
    return switch (status) {
      case REVOKED -> "grant_revoked";
      case RELEASED -> "grant_released";
      case EXPIRED -> "grant_expired";
      default -> "grant_ended";
    };
  }

  static String message(String id, StoredGrant g, GrantStatus status) {
    if (g == null) {
      return "grant " + id + " is not in the store";
    }
    String by = g.decidedBy() == null ? "" : " by " + g.decidedBy();
    String why = g.decisionReason() == null ? "" : ": " + g.decisionReason();
    return switch (status) {
      case REVOKED -> "grant " + id + " for " + g.target() + " was revoked" + by + why;
      case RELEASED -> "grant " + id + " for " + g.target() + " was released by its requester";
      case EXPIRED -> "grant " + id + " for " + g.target() + " expired";
      default -> "grant " + id + " for " + g.target() + " is " + status.name().toLowerCase();
    };
  }
}
