package io.hoop.broker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hoop.tunnel.protocol.Keepalive;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TunnelSectionTest {
  @Test
  void withoutTheSectionADeadClientIsCutWithinThirtySeconds() throws Exception {
    Keepalive k = ConfigLoader.parse("t.yaml", "", true).tunnelKeepalive();
    assertThat(k).isEqualTo(Keepalive.DEFAULT);
    assertThat(k.interval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(k.deadPeerTimeout()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void bothKeysAreRead() throws Exception {
    Keepalive k =
        ConfigLoader.parse("t.yaml", "tunnel: {keepalive: 2s, deadPeerTimeout: 5s}\n", true)
            .tunnelKeepalive();
    assertThat(k).isEqualTo(new Keepalive(Duration.ofSeconds(2), Duration.ofSeconds(5)));
  }

  @Test
  void aShorterKeepaliveAloneGetsThreeIntervals() throws Exception {
    Keepalive k = ConfigLoader.parse("t.yaml", "tunnel: {keepalive: 3s}\n", true).tunnelKeepalive();
    assertThat(k.deadPeerTimeout()).isEqualTo(Duration.ofSeconds(9));
  }

  @Test
  void aTimeoutUnderTwoIntervalsIsRefusedNamingTheKey() {
    assertThatThrownBy(
            () ->
                ConfigLoader.parse(
                    "t.yaml", "tunnel: {keepalive: 10s, deadPeerTimeout: 15s}\n", true))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "t.yaml: tunnel.deadPeerTimeout: '15s' must be at least twice tunnel.keepalive"
                + " (10s), so one late PING does not cut a live client");
  }

  @Test
  void aTimeoutUnderTwoDefaultIntervalsIsRefusedToo() {
    assertThatThrownBy(() -> ConfigLoader.parse("t.yaml", "tunnel: {deadPeerTimeout: 5s}\n", true))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("t.yaml: tunnel.deadPeerTimeout: '5s' must be at least twice");
  }

  @Test
  void badDurationsAndUnknownKeysAreRefused() {
    assertThatThrownBy(() -> ConfigLoader.parse("t.yaml", "tunnel: {keepalive: soon}\n", true))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("t.yaml: tunnel.keepalive: 'soon' is not a duration");
    assertThatThrownBy(() -> ConfigLoader.parse("t.yaml", "tunnel: {keepalive: 0s}\n", true))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("t.yaml: tunnel.keepalive: '0s' must be longer than 0s");
    assertThatThrownBy(() -> ConfigLoader.parse("t.yaml", "tunnel: {keepAlive: 5s}\n", true))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("t.yaml: tunnel.keepAlive: unknown key");
  }
}
