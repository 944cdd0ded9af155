package io.hoop.broker.tunnel;

import io.hoop.broker.config.BrokerConfig;
import io.hoop.broker.store.GrantStore;
import io.hoop.broker.store.StoredGrant;
import io.hoop.tunnel.server.TunnelAuthorization;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The role a tunnel session runs as, read when it opens so the session keeps it: the grant's role,
 * else the target's default role on a postgres engine target; null when the target has no roles.
 */
public final class SessionRoles {
  private final GrantStore grants;
  private final Supplier<BrokerConfig> config;

  public SessionRoles(GrantStore grants, Supplier<BrokerConfig> config) {
    this.grants = Objects.requireNonNull(grants, "grants");
    this.config = Objects.requireNonNull(config, "config");
  }

  /** The role of the session {@code a} authorized. */
  public String of(TunnelAuthorization a) {
    String granted = grants.find(a.grantId()).map(StoredGrant::role).orElse(null);
    if (granted != null) {
      return granted;
    }
    // Grants made before roles were resolved at request time carry none: today's default.
    return config.get().target(a.target()).map(t -> t.resolveRole(null)).orElse(null);
  }
}
