package io.hoop.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.hoop.api.AuditEvent;
import io.hoop.api.Json;
import io.hoop.testkit.BrokerFixture;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A running broker picks up a changed config file and refuses an invalid one, keeping the old. */
class ConfigReloadIT {
  static BrokerFixture broker;
  static String alice;

  static String config(String extraTarget, String extraTargetType) {
    return """
        devIdp:
          pollInterval: 1s
          users:
            - username: alice
              groups: [engineering]
        targets:
          - name: first
            type: tcp
            address: 127.0.0.1:5432
        %s
        entitlements:
          - group: engineering
            targets: [first%s]
        """
        .formatted(
            extraTarget == null
                ? ""
                : "  - name: "
                    + extraTarget
                    + "\n    type: "
                    + extraTargetType
                    + "\n    address: 127.0.0.1:6379",
            extraTarget == null ? "" : ", " + extraTarget);
  }

  @BeforeAll
  static void start() throws Exception {
    broker = BrokerFixture.startFromFile(config(null, null));
    alice = broker.login("alice");
  }

  @AfterAll
  static void stop() throws Exception {
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void aValidChangeIsAppliedAndAnInvalidOneIsRejectedKeepingTheOldConfig() throws Exception {
    assertThat(targets()).containsExactly("first");

    Files.writeString(broker.configFile(), "listen: 127.0.0.1:0\n" + config("second", "tcp"));
    await().atMost(Duration.ofSeconds(10)).until(() -> targets().contains("second"));
    assertThat(targets()).containsExactly("first", "second");
    // Entitlements are re-seeded from the new file: alice may request the new target at once.
    JsonNode g =
        Json.mapper()
            .readTree(
                broker.send(
                    "POST",
                    "/v1/grants",
                    "{\"target\":\"second\",\"task\":\"OPS-1\"}",
                    "application/json",
                    alice));
    assertThat(g.path("status").asText()).as(g.toString()).isEqualTo("APPROVED");
    await().atMost(Duration.ofSeconds(5)).until(() -> !events("config.reloaded").isEmpty());

    Files.writeString(broker.configFile(), "listen: 127.0.0.1:0\n" + config("third", "ftp"));
    await().atMost(Duration.ofSeconds(10)).until(() -> !events("config.rejected").isEmpty());
    AuditEvent rejected = events("config.rejected").get(0);
    assertThat(rejected.details().toString())
        .contains("targets[1].type: 'ftp' is not a target type");
    assertThat(targets()).containsExactly("first", "second");
  }

  static List<String> targets() throws Exception {
    JsonNode list = Json.mapper().readTree(broker.send("GET", "/v1/targets", null, null, alice));
    return list.path("targets").findValuesAsText("name");
  }

  static List<AuditEvent> events(String type) {
    return broker.server().audit().list(0, 10_000, null, null).stream()
        .filter(e -> type.equals(e.type()))
        .toList();
  }
}
