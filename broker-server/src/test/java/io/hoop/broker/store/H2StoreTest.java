package io.hoop.broker.store;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** {@link StoreSuite} against the embedded H2 store. */
class H2StoreTest extends StoreSuite {
  @TempDir Path dir;

  @Override
  protected Store openStore() {
    return Store.openEmbedded(dir);
  }
}
