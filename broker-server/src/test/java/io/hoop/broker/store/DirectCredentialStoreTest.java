package io.hoop.broker.store;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** {@link DirectCredentialStoreSuite} on the embedded H2 store. */
class DirectCredentialStoreTest extends DirectCredentialStoreSuite {
  @TempDir Path dir;

  @Override
  protected Store openStore() {
    return Store.openEmbedded(dir);
  }
}
