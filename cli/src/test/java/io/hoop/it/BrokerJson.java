package io.hoop.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hoop.api.AuditEvent;
import io.hoop.api.Json;
import io.hoop.testkit.BrokerFixture;
import java.util.List;
import java.util.Map;

/**
 * JSON calls to a test broker's API with a session token, and what the ITs check in the replies.
 */
final class BrokerJson {
  private BrokerJson() {}

  static JsonNode post(BrokerFixture broker, String session, String path, Map<String, Object> body)
      throws Exception {
    return Json.mapper()
        .readTree(
            broker.send(
                "POST", path, Json.mapper().writeValueAsString(body), "application/json", session));
  }

  static JsonNode get(BrokerFixture broker, String session, String path) throws Exception {
    return Json.mapper().readTree(broker.send("GET", path, null, null, session));
  }

  /** Asks for a grant on {@code target} for {@code task}, with no reason and the default length. */
  static JsonNode request(BrokerFixture broker, String session, String target, String task)
      throws Exception {
    return post(broker, session, "/v1/grants", Map.of("target", target, "task", task));
  }

  /** Checks an error reply's code and that its message contains {@code messagePart}. */
  static void assertError(JsonNode r, String code, String messagePart) {
    assertThat(r.path("error").path("code").asText()).as(r.toString()).isEqualTo(code);
    assertThat(r.path("error").path("message").asText()).contains(messagePart);
  }

  /** Audit events of one grant, or all of them when {@code grantId} is null. */
  static List<AuditEvent> events(BrokerFixture broker, String grantId) {
    return broker.server().audit().list(0, 10_000, null, null).stream()
        .filter(e -> grantId == null || grantId.equals(e.grantId()))
        .toList();
  }
}
