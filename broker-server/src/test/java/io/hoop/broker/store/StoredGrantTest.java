package io.hoop.broker.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoop.api.GrantStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class StoredGrantTest {
  @Test
  void approvedGrantPastExpiryReadsAsExpired() {
    Instant t0 = Instant.parse("2026-01-01T10:00:00Z");
    StoredGrant g =
        new StoredGrant(
            "g",
            "a",
            "db",
            "tcp",
            null,
            "T-1",
            null,
            GrantStatus.APPROVED,
            "",
            Duration.ofMinutes(30),
            t0,
            t0,
            t0.plus(Duration.ofMinutes(30)),
            null,
            null,
            List.of(),
            0,
            null);
    assertThat(g.effectiveStatus(t0.plus(Duration.ofMinutes(29)))).isEqualTo(GrantStatus.APPROVED);
    assertThat(g.effectiveStatus(t0.plus(Duration.ofMinutes(30)))).isEqualTo(GrantStatus.EXPIRED);
  }
}
