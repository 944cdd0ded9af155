package io.hoop.broker.store;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** {@link GovernanceStoreSuite} against the embedded H2 store. */
class H2GovernanceStoreTest extends GovernanceStoreSuite {
  @TempDir Path dir;

  @Override
  protected Store openStore() {
    return Store.openEmbedded(dir);
  }
}
