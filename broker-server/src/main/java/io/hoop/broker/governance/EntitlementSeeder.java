package io.hoop.broker.governance;

import io.hoop.broker.config.BrokerConfig;
import io.hoop.broker.config.EntitlementConfig;
import io.hoop.broker.store.EntitlementStore;
import io.hoop.broker.store.StoredEntitlement;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the store's entitlements in line with the config at start: one row per subject and target,
 * inserted with the config's seeded review when new, its cap refreshed when it exists (reviews and
 * revocations recorded in the store are kept), rows no longer in the config removed.
 */
public final class EntitlementSeeder {
  private static final Logger LOG = LoggerFactory.getLogger(EntitlementSeeder.class);

  private EntitlementSeeder() {}

  /** The rows the config describes, before any review recorded in the store. */
  public static List<StoredEntitlement> fromConfig(BrokerConfig config) {
    List<StoredEntitlement> out = new ArrayList<>();
    for (EntitlementConfig e : config.entitlements()) {
      String principal = e.principal().orElse(null);
      String group = e.group().orElse(null);
      for (String target : e.targets()) {
        out.add(
            new StoredEntitlement(
                StoredEntitlement.idFor(principal, group, target),
                principal,
                group,
                target,
                e.maxDuration(),
                StoredEntitlement.ACTIVE,
                e.reviewedBy().orElse(null),
                e.reviewedAt().orElse(null),
                e.reviewExpiresAt().orElse(null),
                e.reviewedBy().isPresent() ? "seeded from the config file" : null));
      }
    }
    return out;
  }

  /** Seeds the store; returns how many rows were inserted. */
  public static int seed(BrokerConfig config, EntitlementStore store) {
    List<StoredEntitlement> wanted = fromConfig(config);
    int inserted = 0;
    for (StoredEntitlement e : wanted) {
      if (store.seed(e)) {
        inserted++;
      }
    }
    int removed = store.retainOnly(wanted.stream().map(StoredEntitlement::id).toList());
    LOG.info(
        "entitlements seeded total={} inserted={} removed={}", wanted.size(), inserted, removed);
    return inserted;
  }
}
