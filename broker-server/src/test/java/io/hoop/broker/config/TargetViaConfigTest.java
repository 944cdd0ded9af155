package io.hoop.broker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code targets[].via}: the agent that reaches a target; malformed and unsupported uses refused.
 */
class TargetViaConfigTest {
  private static String yaml(String type, String via) {
    return """
        targets:
          - name: private-db
            type: %s
            address: 10.0.0.5:5432
            via: %s
        """
        .formatted(type, via);
  }

  @Test
  void namesTheAgentOfATcpOrPostgresTarget() throws Exception {
    for (String type : new String[] {"tcp", "postgres"}) {
      BrokerConfig c = ConfigLoader.parse("t.yaml", yaml(type, "eu-1"), true);
      assertThat(c.target("private-db").orElseThrow().via()).isEqualTo("eu-1");
    }
  }

  @Test
  void aTargetWithoutViaIsDialedByTheBroker() throws Exception {
    BrokerConfig c =
        ConfigLoader.parse(
            "t.yaml", "targets:\n  - name: db\n    type: tcp\n    address: 127.0.0.1:1\n", true);
    assertThat(c.target("db").orElseThrow().via()).isNull();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "EU1",
        "'-eu'",
        "'eu 1'",
        "'eu/1'",
        "'eu:1'",
        "'..'",
        "'a\\u0000b'",
        "''",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
      })
  void refusesAMalformedAgentNameNamingTheKey(String via) {
    assertThatThrownBy(() -> ConfigLoader.parse("t.yaml", yaml("tcp", via), true))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("targets[0].via")
        .hasMessageContaining("must be an agent name");
  }

  @Test
  void refusesAListOrAMapAsVia() {
    assertThatThrownBy(() -> ConfigLoader.parse("t.yaml", yaml("tcp", "[a, b]"), true))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("via");
    assertThatThrownBy(() -> ConfigLoader.parse("t.yaml", yaml("tcp", "{a: b}"), true))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("via");
  }

  @ParameterizedTest
  @ValueSource(strings = {"ssh", "http", "kubernetes"})
  void refusesViaOnEnginesThatDialTheTargetThemselves(String type) {
    String text =
        switch (type) {
          case "ssh" ->
              """
              targets:
                - name: private-db
                  type: ssh
                  address: 10.0.0.5:22
                  via: eu1
                  ssh:
                    hostKeys: ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGb0fGMXl3l9sYd3+7pXhW7Ot1ZR6t3TQ0xJpQnD2vXw"]
                    roles:
                      ops: {user: ops, keyFile: /nonexistent}
              """;
          default -> yaml(type, "eu1");
        };
    assertThatThrownBy(() -> ConfigLoader.parse("t.yaml", text, true))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("targets[0].via")
        .hasMessageContaining("only supported on targets of type tcp or postgres");
  }
}
