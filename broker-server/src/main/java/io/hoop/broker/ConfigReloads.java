package io.hoop.broker;

import io.hoop.broker.auth.IdentitySetup;
import io.hoop.broker.config.BrokerConfig;
import io.hoop.broker.config.ConfigWatcher;
import io.hoop.broker.governance.EntitlementSeeder;
import io.hoop.broker.identity.devidp.DevIdentityProvider;
import io.hoop.broker.store.AuditLog;
import io.hoop.broker.store.EntitlementStore;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a config reload does beyond the swap: re-seeds entitlements from the new file (as at start),
 * updates the dev IdP's users (a user disabled there can no longer refresh) and audits the outcome
 * as {@code config.reloaded} or {@code config.rejected}.
 */
final class ConfigReloads implements ConfigWatcher.Listener {
  private final AuditLog audit;
  private final EntitlementStore entitlements;
  // Known only once the broker has bound its port (the dev IdP's issuer is its URL).
  private volatile DevIdentityProvider devIdp;

  ConfigReloads(AuditLog audit, EntitlementStore entitlements) {
    this.audit = audit;
    this.entitlements = entitlements;
  }

  /** The dev IdP whose users later reloads update. */
  void devIdp(DevIdentityProvider idp) {
    this.devIdp = idp;
  }

  @Override
  public void apply(BrokerConfig previous, BrokerConfig next) {
    EntitlementSeeder.seed(next, entitlements);
    DevIdentityProvider idp = devIdp;
    if (idp != null) {
      idp.updateUsers(
          IdentitySetup.devUsers(next.devIdp()), IdentitySetup.disabledUsers(next.devIdp()));
    }
  }

  @Override
  public void reloaded(BrokerConfig previous, BrokerConfig current, String trigger) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("trigger", trigger);
    d.put("targets", current.targets().size());
    d.put("entitlements", current.entitlements().size());
    d.put("webhooks", current.notifications().webhooks().size());
    audit.append("config.reloaded", null, null, null, null, d);
  }

  @Override
  public void rejected(String message, String trigger) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("trigger", trigger);
    d.put("error", message);
    audit.append("config.rejected", null, null, null, null, d);
  }
}
