package io.hoop.engine.postgres.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoop.engine.postgres.message.backend.BackendKeyData;
import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CancelRegistryTest {
  @Test
  void keysAreRandomPositiveAndMapBackUntilRemoved() {
    CancelRegistry registry = new CancelRegistry();
    CancelRegistry.Target target =
        new CancelRegistry.Target(
            new InetSocketAddress("127.0.0.1", 5432), new BackendKeyData(42, 7));
    Set<BackendKeyData> keys = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      BackendKeyData key = registry.register(target);
      assertThat(key.processId()).isPositive();
      keys.add(key);
    }
    assertThat(keys).hasSize(1000);
    BackendKeyData key = keys.iterator().next();
    assertThat(registry.lookup(key.processId(), key.secretKey())).isSameAs(target);
    assertThat(registry.lookup(key.processId(), key.secretKey() + 1)).isNull();
    assertThat(target.toString()).doesNotContain("7]").contains("pid=42");
    keys.forEach(registry::remove);
    assertThat(registry.size()).isZero();
    assertThat(registry.lookup(key.processId(), key.secretKey())).isNull();
  }
}
