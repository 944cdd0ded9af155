package io.hoop.broker.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hoop.broker.auth.IdTokenReplay;
import io.hoop.broker.identity.TestClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One-time ids in the store: the first claim wins for every broker sharing it. */
class OnceStoreTest {
  @TempDir Path dir;
  private final TestClock clock = new TestClock(Instant.parse("2026-12-07T10:00:00Z"));

  @Test
  void theFirstClaimWinsAndTheIdIsKeptHashed() {
    try (Store store = Store.openEmbedded(dir)) {
      OnceStore once = new OnceStore(store, clock);
      Instant until = clock.instant().plusSeconds(120);
      assertThat(once.claim("dpop", "thumb jti-1", until)).isTrue();
      assertThat(once.claim("dpop", "thumb jti-1", until)).isFalse();
      // kinds never collide, and another replica's OnceStore on the same store sees the claim
      assertThat(once.claim("id_token", "thumb jti-1", until)).isTrue();
      assertThat(new OnceStore(store, clock).claim("dpop", "thumb jti-1", until)).isFalse();
      assertThat(once.size()).isEqualTo(2);
    }
  }

  @Test
  void expiredIdsArePurgedAtMostOnceAMinute() {
    try (Store store = Store.openEmbedded(dir)) {
      OnceStore once = new OnceStore(store, clock);
      for (int i = 0; i < 10; i++) {
        once.claim("dpop", "p" + i, clock.instant().plusSeconds(30));
      }
      assertThat(once.size()).isEqualTo(10);
      clock.advance(OnceStore.PURGE_EVERY.plusSeconds(1));
      assertThat(once.claim("dpop", "fresh", clock.instant().plusSeconds(30))).isTrue();
      assertThat(once.size()).isEqualTo(1);
    }
  }

  @Test
  void anIdTokenExchangedOnOneReplicaIsReplayedOnAnother() {
    try (Store store = Store.openEmbedded(dir)) {
      IdTokenReplay onA =
          new IdTokenReplay(clock, Duration.ofSeconds(60), 100, 10, new OnceStore(store, clock));
      IdTokenReplay onB =
          new IdTokenReplay(clock, Duration.ofSeconds(60), 100, 10, new OnceStore(store, clock));
      Instant exp = clock.instant().plusSeconds(300);
      assertThat(onA.firstUse("https://idp", "alice", "jti-7", "h.p.s", exp))
          .isEqualTo(IdTokenReplay.Outcome.FIRST);
      assertThat(onB.firstUse("https://idp", "alice", "jti-7", "h.p.s", exp))
          .isEqualTo(IdTokenReplay.Outcome.REPLAYED);
      // without a jti the signed part identifies it, however the signature is re-encoded
      assertThat(onA.firstUse("https://idp", "alice", null, "h.q.sig1", exp))
          .isEqualTo(IdTokenReplay.Outcome.FIRST);
      assertThat(onB.firstUse("https://idp", "alice", null, "h.q.sig1=", exp))
          .isEqualTo(IdTokenReplay.Outcome.REPLAYED);
    }
  }

  @Test
  void aStoreThatCannotAnswerRefusesTheLogin() {
    Store store = Store.openEmbedded(dir);
    IdTokenReplay replay =
        new IdTokenReplay(clock, Duration.ofSeconds(60), 100, 10, new OnceStore(store, clock));
    store.close();
    assertThatThrownBy(
            () ->
                replay.firstUse(
                    "https://idp", "alice", "jti-8", "h.p.s", clock.instant().plusSeconds(300)))
        .isInstanceOf(StoreException.class);
    // and nothing was remembered locally: once the store is back, the token is not "replayed"
    assertThat(replay.size()).isZero();
  }
}
