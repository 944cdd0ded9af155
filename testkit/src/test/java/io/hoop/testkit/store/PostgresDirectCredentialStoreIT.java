package io.hoop.testkit.store;

import io.hoop.broker.store.DirectCredentialStoreSuite;
import io.hoop.broker.store.PostgresConfig;
import io.hoop.broker.store.Store;
import io.hoop.testkit.PostgresCluster;
import io.hoop.testkit.PostgresExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link DirectCredentialStoreSuite} against a real PostgreSQL server, a fresh database per test.
 */
@ExtendWith(PostgresExtension.class)
class PostgresDirectCredentialStoreIT extends DirectCredentialStoreSuite {
  private PostgresConfig database;

  @BeforeEach
  void freshDatabase(PostgresCluster pg) {
    database = PostgresStores.freshDatabase(pg);
  }

  @Override
  protected Store openStore() {
    return Store.openPostgres(database);
  }
}
