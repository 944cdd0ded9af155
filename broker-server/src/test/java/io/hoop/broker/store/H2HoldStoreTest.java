package io.hoop.broker.store;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** {@link HoldStoreSuite} against the embedded H2 store. */
class H2HoldStoreTest extends HoldStoreSuite {
  @TempDir Path dir;

  @Override
  protected Store openStore() {
    return Store.openEmbedded(dir);
  }
}
