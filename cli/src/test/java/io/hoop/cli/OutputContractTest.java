package io.hoop.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.hoop.api.Json;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The JSON contract, command by command: the top-level field names scripts rely on (README lists
 * them), one style (camelCase, ISO-8601 instants, never a token), and {@code -o yaml} the same
 * document as {@code -o json}.
 */
class OutputContractTest extends FakeBrokerCase {
  private static final String WHOAMI =
      "{\"principal\":{\"name\":\"alice\",\"email\":\"alice@example.test\","
          + "\"groups\":[\"engineering\"],\"loginMethod\":\"oidc-device\"},"
          + "\"issuer\":\"https://idp\",\"sessionExpiresAt\":\"2099-01-01T00:00:00Z\"}";
  private static final String TARGETS =
      "{\"targets\":[{\"name\":\"demo-db\",\"type\":\"postgres\",\"description\":\"the demo\","
          + "\"maxDurationSeconds\":3600,\"roles\":[\"readonly\"]}]}";
  private static final String GRANTS =
      "{\"grants\":[{\"id\":\"g-1\",\"target\":\"demo-db\",\"principal\":\"alice\","
          + "\"task\":\"T-1\",\"status\":\"APPROVED\",\"requestedAt\":\"2026-12-07T10:00:00Z\","
          + "\"expiresAt\":\"2026-12-07T11:00:00Z\"}]}";
  private static final String AUDIT =
      "{\"events\":[{\"seq\":1,\"time\":\"2026-11-22T10:00:00Z\",\"type\":\"grant.approved\","
          + "\"principal\":\"alice\",\"target\":\"demo-db\",\"grantId\":\"g-1\",\"task\":\"T-1\","
          + "\"details\":{\"duration\":\"30m\"}}]}";

  /** Each command's arguments, the broker answers it needs, and its documented top-level fields. */
  private record Contract(List<String> args, Map<String, String> routes, Set<String> fields) {}

  private static final List<Contract> CONTRACTS =
      List.of(
          new Contract(
              List.of("whoami"),
              Map.of("GET /v1/whoami", WHOAMI),
              Set.of(
                  "principal",
                  "email",
                  "groups",
                  "loginMethod",
                  "issuer",
                  "sessionExpiresAt",
                  "sessionRemainingSeconds",
                  "profile",
                  "broker",
                  "keyThumbprint",
                  "renewalFailedAt",
                  "renewalError",
                  "offline")),
          new Contract(List.of("targets"), Map.of("GET /v1/targets", TARGETS), Set.of("targets")),
          new Contract(List.of("requests"), Map.of("GET /v1/grants", GRANTS), Set.of("grants")),
          new Contract(List.of("audit"), Map.of("GET /v1/audit", AUDIT), Set.of("events")),
          new Contract(List.of("version"), Map.of(), Set.of("version", "java", "javaVendor")));

  @BeforeEach
  void start() {
    env = Map.of("HOOP_CONFIG_DIR", tmp.resolve("cfg").toString(), "HOME", tmp.toString());
    loggedIn();
  }

  @Test
  void everyCommandKeepsItsFieldsAndYamlIsTheSameDocument() throws Exception {
    for (Contract c : CONTRACTS) {
      broker.reset();
      c.routes().forEach((route, body) -> broker.on(route, 200, body));
      String what = String.join(" ", c.args());
      CliRunner.Result json = hoop(with(c.args(), "-o", "json"));
      assertThat(json.exitCode()).as(what + ": " + json.err()).isZero();
      JsonNode doc = Json.mapper().readTree(json.out());
      // Only documented fields (a null one is left out, never renamed).
      assertThat(c.fields()).as(what).containsAll(names(doc));
      assertThat(names(doc)).as(what).isNotEmpty();
      assertThat(json.out()).as(what).doesNotContain("sess-token").doesNotContain("\"rt\"");
      assertCamelCase(doc, what);

      CliRunner.Result yaml = hoop(with(c.args(), "-o", "yaml"));
      assertThat(yaml.exitCode()).as(what + " yaml: " + yaml.err()).isZero();
      JsonNode fromYaml = new YAMLMapper().readTree(yaml.out());
      // The same document, but for what the clock moved in between.
      assertThat(names(fromYaml)).as(what + " yaml").isEqualTo(names(doc));
      if (!c.args().get(0).equals("whoami")) {
        assertThat(fromYaml).as(what + " yaml").isEqualTo(doc);
      }
      assertThat(yaml.out()).as(what).doesNotStartWith("{").doesNotContain("sess-token");
    }
  }

  private static String[] with(List<String> args, String... more) {
    List<String> all = new java.util.ArrayList<>(args);
    all.addAll(List.of(more));
    return all.toArray(String[]::new);
  }

  private static Set<String> names(JsonNode node) {
    Set<String> names = new TreeSet<>();
    node.properties().forEach(e -> names.add(e.getKey()));
    return names;
  }

  /** Field names at every depth are camelCase: one JSON style across commands. */
  private static void assertCamelCase(JsonNode node, String what) {
    if (node.isObject()) {
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        // Free-form maps from the broker (audit details) keep their keys.
        if (!e.getKey().equals("details")) {
          assertThat(e.getKey()).as(what).matches("[a-z][a-zA-Z0-9]*");
          assertCamelCase(e.getValue(), what);
        }
      }
    } else if (node.isArray()) {
      node.forEach(n -> assertCamelCase(n, what));
    }
  }
}
