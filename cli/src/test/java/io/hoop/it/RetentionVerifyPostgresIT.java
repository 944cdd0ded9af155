package io.hoop.it;

import io.hoop.broker.store.PostgresConfig;
import io.hoop.broker.store.Store;
import io.hoop.testkit.PostgresCluster;
import io.hoop.testkit.PostgresExtension;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@link RetentionVerifySuite} on the testkit's PostgreSQL, a fresh database per test. */
@ExtendWith(PostgresExtension.class)
class RetentionVerifyPostgresIT extends RetentionVerifySuite {
  private static final AtomicInteger NEXT = new AtomicInteger();
  private final PostgresCluster pg;

  RetentionVerifyPostgresIT(PostgresCluster pg) {
    this.pg = pg;
  }

  @Override
  Store openStore(Path dir) {
    String name = "hoop_retention_" + NEXT.incrementAndGet();
    pg.createRole(name, "unused-with-trust");
    pg.execSql("CREATE DATABASE " + name + " OWNER " + name);
    return Store.openPostgres(new PostgresConfig(pg.host(), pg.port(), name, name, null, Map.of()));
  }
}
