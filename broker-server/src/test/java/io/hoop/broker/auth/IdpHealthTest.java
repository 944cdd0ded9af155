package io.hoop.broker.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoop.broker.identity.TestClock;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class IdpHealthTest {
  @Test
  void anOutageAndItsRecoveryAreLoggedOnceEach() {
    IdpHealth h = new IdpHealth("https://idp.example", new TestClock(Instant.EPOCH));
    assertThat(h.reachable()).as("up from the start: nothing to log").isFalse();
    assertThat(h.unreachable("timeout")).isTrue();
    for (int i = 0; i < 100; i++) {
      assertThat(h.unreachable("timeout")).isFalse();
    }
    assertThat(h.down()).isTrue();
    assertThat(h.reachable()).isTrue();
    assertThat(h.reachable()).isFalse();
    assertThat(h.unreachable("again")).isTrue();
  }
}
