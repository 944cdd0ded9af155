package io.hoop.broker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PostgresDirectConfigTest {
  @Test
  void directAccessIsOffUnlessListenIsGiven() throws Exception {
    assertThat(ConfigLoader.parse("t.yaml", "", true).postgresDirect()).isEmpty();
    assertThat(ConfigLoader.parse("t.yaml", "postgres: {}\n", true).postgresDirect()).isEmpty();
    assertThat(
            ConfigLoader.parse("t.yaml", "postgres: {directListen: 127.0.0.1:15432}\n", true)
                .postgresDirect())
        .contains("127.0.0.1:15432");
  }

  @Test
  void aBadAddressOrUnknownKeyNamesTheKey() {
    assertThatThrownBy(() -> ConfigLoader.parse("t.yaml", "postgres: {directListen: nope}\n", true))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("postgres.directListen");
    assertThatThrownBy(
            () -> ConfigLoader.parse("t.yaml", "postgres: {directListn: 127.0.0.1:1}\n", true))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("directListn");
  }
}
