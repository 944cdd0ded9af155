package io.hoop.broker.retention;

import io.hoop.broker.store.Store;

/** {@link RetentionPurgeSuite} against the embedded H2 store. */
class H2RetentionPurgeTest extends RetentionPurgeSuite {
  @Override
  protected Store openStore() {
    return Store.openEmbedded(dir);
  }
}
