package io.hoop.testkit.store;

import io.hoop.broker.store.PostgresConfig;
import io.hoop.testkit.PostgresCluster;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** Fresh databases on a shared test cluster, each owned by its own unprivileged role. */
final class PostgresStores {
  private static final AtomicInteger NEXT = new AtomicInteger();

  private PostgresStores() {}

  /**
   * Creates an empty database owned by a new login role (not a superuser, as in production) and
   * returns how the broker would reach it. The cluster trusts TCP clients, so no password is
   * needed.
   */
  static PostgresConfig freshDatabase(PostgresCluster pg) {
    String name = "hoop_store_" + NEXT.incrementAndGet();
    pg.createRole(name, "unused-with-trust");
    pg.execSql("CREATE DATABASE " + name + " OWNER " + name);
    return new PostgresConfig(pg.host(), pg.port(), name, name, null, Map.of());
  }
}
