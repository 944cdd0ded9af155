package io.hoop.broker.token;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoop.broker.identity.TestClock;
import io.hoop.broker.store.Store;
import io.hoop.broker.store.TokenStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RevocationCacheTest {
  @TempDir Path dir;

  @Test
  void seesRevocationsByOthersWithinTheRefreshIntervalAndForgetsExpiredOnes() {
    TestClock clock = new TestClock(Instant.parse("2026-03-01T12:00:00Z"));
    try (Store store = Store.openEmbedded(dir)) {
      TokenStore tokens = new TokenStore(store);
      RevocationCache mine = new RevocationCache(tokens, clock);
      assertThat(mine.isRevoked("s-1")).isFalse();

      // Another broker (or hoop-broker token revoke) writes to the same store.
      tokens.revoke("s-1", clock.instant().plusSeconds(60), "admin:x", "admin", clock.instant());
      assertThat(mine.isRevoked("s-1")).as("cached for up to 2 s").isFalse();
      clock.advance(RevocationCache.REFRESH);
      assertThat(mine.isRevoked("s-1")).isTrue();

      mine.revoke("s-2", clock.instant().plusSeconds(60), "alice", "logout");
      assertThat(mine.isRevoked("s-2")).as("own revocations apply at once").isTrue();
      assertThat(tokens.revoke("s-2", clock.instant(), "alice", "logout", clock.instant()))
          .as("second revocation keeps the first record")
          .isFalse();

      clock.advance(Duration.ofMinutes(2));
      assertThat(tokens.revokedIds(clock.instant())).isEmpty();
    }
  }
}
