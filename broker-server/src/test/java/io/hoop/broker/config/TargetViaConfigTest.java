package io.hoop.broker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code targets[].via}: the agent that reaches a target, of any type; malformed names refused. */
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

  @Test
  void anEngineThatDialsItsTargetItselfGoesThroughTheAgentToo(@TempDir Path dir) throws Exception {
    Path token = dir.resolve("token");
    Files.writeString(token, "t0ken\n");
    Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-------"));
    BrokerConfig c =
        ConfigLoader.parse(
            "t.yaml",
            """
            targets:
              - name: api
                type: http
                address: 10.0.0.5:8080
                via: eu1
                http:
                  tls: false
                  defaultRole: reader
                  roles:
                    reader: {tokenFile: %s, default: allow}
            """
                .formatted(token),
            true);
    assertThat(c.target("api").orElseThrow().via()).isEqualTo("eu1");
  }
}
