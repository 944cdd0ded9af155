package io.hoop.it;

import io.hoop.broker.store.Store;
import java.nio.file.Path;

/** {@link RetentionVerifySuite} on the embedded H2 store. */
class RetentionVerifyH2IT extends RetentionVerifySuite {
  @Override
  Store openStore(Path dir) {
    return Store.openEmbedded(dir);
  }
}
