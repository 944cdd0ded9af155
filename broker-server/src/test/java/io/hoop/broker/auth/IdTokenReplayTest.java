package io.hoop.broker.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hoop.broker.auth.IdTokenReplay.Outcome;
import io.hoop.broker.identity.TestClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class IdTokenReplayTest {
  static final String ISS = "https://idp.example";
  final TestClock clock = new TestClock(Instant.parse("2026-03-01T12:00:00Z"));
  final Instant exp = clock.instant().plusSeconds(300);

  @Test
  void aTokenIsExchangedOnceUntilItExpiresPlusSkew() {
    IdTokenReplay r = new IdTokenReplay(clock, Duration.ofSeconds(60), 10);
    assertThat(r.firstUse(ISS, "j1", "tok", exp)).isEqualTo(Outcome.FIRST);
    assertThat(r.firstUse(ISS, "j1", "tok", exp)).isEqualTo(Outcome.REPLAYED);
    // The same jti in another token string is the same token (re-encoded, extra whitespace).
    assertThat(r.firstUse(ISS, "j1", "other", exp)).isEqualTo(Outcome.REPLAYED);
    clock.advance(Duration.ofSeconds(300 + 59));
    assertThat(r.firstUse(ISS, "j1", "tok", exp)).isEqualTo(Outcome.REPLAYED);
    clock.advance(Duration.ofSeconds(1));
    // Expired past the skew: the validator refuses it anyway, so it may be forgotten.
    assertThat(r.size()).isZero();
  }

  @Test
  void tokensWithoutJtiAreKnownByTheirHash() {
    IdTokenReplay r = new IdTokenReplay(clock, Duration.ofSeconds(60), 10);
    assertThat(r.firstUse(ISS, null, "tok-a", exp)).isEqualTo(Outcome.FIRST);
    assertThat(r.firstUse(ISS, "", "tok-a", exp)).isEqualTo(Outcome.REPLAYED);
    assertThat(r.firstUse(ISS, null, "tok-b", exp)).isEqualTo(Outcome.FIRST);
  }

  @Test
  void withoutJtiOnlyTheSignedPartCountsNotHowTheSignatureIsWritten() {
    IdTokenReplay r = new IdTokenReplay(clock, Duration.ofSeconds(60), 10);
    assertThat(r.firstUse(ISS, null, "h.p.c2ln", exp)).isEqualTo(Outcome.FIRST);
    assertThat(r.firstUse(ISS, null, "h.p.c2lo", exp)).isEqualTo(Outcome.REPLAYED);
    assertThat(r.firstUse(ISS, null, "h.p.c2ln==", exp)).isEqualTo(Outcome.REPLAYED);
    assertThat(r.firstUse(ISS, null, "h.q.c2ln", exp)).isEqualTo(Outcome.FIRST);
  }

  @Test
  void jtisOfTwoIssuersDoNotCollide() {
    IdTokenReplay r = new IdTokenReplay(clock, Duration.ofSeconds(60), 10);
    assertThat(r.firstUse(ISS, "j", "t", exp)).isEqualTo(Outcome.FIRST);
    assertThat(r.firstUse("https://other.example", "j", "t", exp)).isEqualTo(Outcome.FIRST);
  }

  @Test
  void fullMemoryFailsClosedInsteadOfForgetting() {
    IdTokenReplay r = new IdTokenReplay(clock, Duration.ofSeconds(0), 2);
    assertThat(r.firstUse(ISS, "a", "t", exp)).isEqualTo(Outcome.FIRST);
    assertThat(r.firstUse(ISS, "b", "t", exp.plusSeconds(100))).isEqualTo(Outcome.FIRST);
    assertThat(r.firstUse(ISS, "c", "t", exp)).isEqualTo(Outcome.FULL);
    // Remembered ones stay refused while full.
    assertThat(r.firstUse(ISS, "a", "t", exp)).isEqualTo(Outcome.REPLAYED);
    // Once one expires there is room again, and the refused one was not remembered.
    clock.advance(Duration.ofSeconds(300));
    assertThat(r.firstUse(ISS, "c", "t", exp.plusSeconds(600))).isEqualTo(Outcome.FIRST);
    assertThat(r.firstUse(ISS, "b", "t", exp)).isEqualTo(Outcome.REPLAYED);
  }

  /**
   * The DoS: one person mints fresh ID tokens in a loop (each IdP refresh gives one) and exchanges
   * each once, to fill the memory so that nobody else can log in. Each subject holds at most its
   * share; the others still log in.
   */
  @Test
  void oneSubjectCannotFillTheMemoryForEveryone() {
    IdTokenReplay r = new IdTokenReplay(clock, Duration.ofSeconds(60), 1000, 3);
    for (int i = 0; i < 3; i++) {
      assertThat(r.firstUse(ISS, "mallory", "m" + i, "t", exp)).isEqualTo(Outcome.FIRST);
    }
    for (int i = 3; i < 2000; i++) {
      assertThat(r.firstUse(ISS, "mallory", "m" + i, "t", exp)).isEqualTo(Outcome.TOO_MANY);
    }
    assertThat(r.size()).isEqualTo(3);
    assertThat(r.firstUse(ISS, "alice", "a1", "t", exp)).isEqualTo(Outcome.FIRST);
    // A replay is still told as one, and the subject's share comes back as its tokens expire.
    assertThat(r.firstUse(ISS, "mallory", "m0", "t", exp)).isEqualTo(Outcome.REPLAYED);
    clock.advance(Duration.ofSeconds(361));
    assertThat(r.firstUse(ISS, "mallory", "m9", "t", exp.plusSeconds(600)))
        .isEqualTo(Outcome.FIRST);
  }

  @Test
  void capacityMustBePositive() {
    assertThatThrownBy(() -> new IdTokenReplay(clock, Duration.ZERO, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
