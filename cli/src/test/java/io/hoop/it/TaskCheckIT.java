package io.hoop.it;

import static io.hoop.it.BrokerJson.events;
import static io.hoop.it.BrokerJson.request;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.hoop.api.AuditEvent;
import io.hoop.testkit.BrokerFixture;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Task ids checked in Jira through the real broker API: a local HTTP server stands in for Jira with
 * Jira-shaped JSON, and each way a task can fail has its own outcome and reason.
 */
class TaskCheckIT {
  static HttpServer jira;
  @TempDir static Path dir;
  static final AtomicInteger jiraCalls = new AtomicInteger();
  static BrokerFixture broker;
  static String alice;

  static final Map<String, String> ISSUES =
      Map.of(
          "OPS-1", issue("In Progress", "alice", "alice@acme.test", "Alice Adams"),
          "OPS-2", issue("Done", "alice", "alice@acme.test", "Alice Adams"),
          "OPS-3", issue("In Review", "bob", "bob@acme.test", "Bob Jones"));

  @BeforeAll
  static void start() throws Exception {
    jira = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    jira.createContext(
        "/rest/api/2/issue/",
        ex -> {
          jiraCalls.incrementAndGet();
          String key = ex.getRequestURI().getPath().substring("/rest/api/2/issue/".length());
          if (key.startsWith("SLOW-")) {
            try {
              Thread.sleep(4000);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          boolean authorized =
              "Bearer jira-pat".equals(ex.getRequestHeaders().getFirst("Authorization"));
          String body = ISSUES.get(key);
          int code = !authorized ? 401 : body == null ? 404 : 200;
          byte[] bytes =
              (code == 200
                      ? body
                      : "{\"errorMessages\":[\"Issue does not exist or you do not have permission to see it.\"],\"errors\":{}}")
                  .getBytes(StandardCharsets.UTF_8);
          ex.getResponseHeaders().add("Content-Type", "application/json;charset=UTF-8");
          ex.sendResponseHeaders(code, bytes.length);
          ex.getResponseBody().write(bytes);
          ex.close();
        });
    jira.setExecutor(Executors.newCachedThreadPool());
    jira.start();
    Path token =
        Files.createFile(
            dir.resolve("jira.token"),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(token, "jira-pat\n");
    int down;
    try (ServerSocket s = new ServerSocket(0)) {
      down = s.getLocalPort();
    }
    // Two Jira sections cannot coexist, so "Jira down" is a target whose checks go to a second
    // broker pointed at a closed port.
    broker = BrokerFixture.startFromFile(config(jira.getAddress().getPort(), token));
    downBroker = BrokerFixture.startFromFile(config(down, token));
    alice = broker.login("alice");
    downAlice = downBroker.login("alice");
  }

  static BrokerFixture downBroker;
  static String downAlice;

  static String config(int jiraPort, Path token) {
    return """
        jira: {baseUrl: "http://127.0.0.1:%d", tokenFile: %s, timeout: 1s}
        devIdp:
          pollInterval: 1s
          users:
            - username: alice
              email: alice@acme.test
              groups: [engineering]
            - username: bob
              groups: [dba]
        targets:
          - name: prod-db
            type: tcp
            address: 127.0.0.1:5432
            reviewers: [dba]
            task: {pattern: "^[A-Z][A-Z0-9]+-[0-9]+$", jira: {statuses: [In Progress, In Review], assignedToRequester: true}, onUnavailable: deny}
          - name: reviewed-db
            type: tcp
            address: 127.0.0.1:5432
            reviewers: [dba]
            task: {pattern: "^[A-Z][A-Z0-9]+-[0-9]+$", jira: {statuses: [In Progress]}, onUnavailable: review}
        entitlements:
          - group: engineering
            targets: [prod-db, reviewed-db]
            reviewedBy: carol
            reviewExpiresAt: 2099-01-01T00:00:00Z
        """
        .formatted(jiraPort, token);
  }

  @AfterAll
  static void stop() throws Exception {
    if (broker != null) {
      broker.close();
    }
    if (downBroker != null) {
      downBroker.close();
    }
    jira.stop(0);
  }

  @Test
  void anIssueInProgressAssignedToTheRequesterIsGrantedAtOnce() throws Exception {
    JsonNode g = request(broker, alice, "prod-db", "OPS-1");
    assertThat(g.path("status").asText()).as(g.toString()).isEqualTo("APPROVED");
    assertThat(g.path("token").asText()).isNotEmpty();
    int calls = jiraCalls.get();
    // A positive answer is reused for a while: a second request does not ask Jira again.
    assertThat(request(broker, alice, "prod-db", "OPS-1").path("status").asText())
        .isEqualTo("APPROVED");
    assertThat(jiraCalls.get()).isEqualTo(calls);
  }

  @Test
  void aTaskIdNotMatchingThePatternIsRefusedBeforeJiraIsAsked() throws Exception {
    int calls = jiraCalls.get();
    JsonNode r = request(broker, alice, "prod-db", "ops-1");
    assertThat(r.path("error").path("code").asText()).as(r.toString()).isEqualTo("bad_task");
    assertThat(r.path("error").path("message").asText())
        .isEqualTo(
            "task id does not match the task pattern of target prod-db: ^[A-Z][A-Z0-9]+-[0-9]+$");
    assertThat(jiraCalls.get()).isEqualTo(calls);
  }

  @Test
  void aClosedIssueIsDeniedAndTheDenialIsAudited() throws Exception {
    JsonNode g = request(broker, alice, "prod-db", "OPS-2");
    assertDenied(g, "task OPS-2 is 'Done' in Jira; access needs one of: In Progress, In Review");
    List<AuditEvent> events = events(broker, g.path("id").asText());
    assertThat(events).extracting(AuditEvent::type).containsExactly("grant.denied");
    assertThat(events.get(0).task()).isEqualTo("OPS-2");
    assertThat(events.get(0).details().get("decision"))
        .isEqualTo(g.path("decisionReason").asText());
  }

  @Test
  void anIssueAssignedToSomeoneElseIsDenied() throws Exception {
    assertDenied(
        request(broker, alice, "prod-db", "OPS-3"),
        "task OPS-3 is assigned to Bob Jones in Jira, not to alice");
  }

  @Test
  void aMissingIssueIsDenied() throws Exception {
    assertDenied(request(broker, alice, "prod-db", "JIRA-9"), "task JIRA-9 does not exist in Jira");
  }

  @Test
  void aSlowJiraSendsTheRequestToReviewersWhereTheTargetSaysSo() throws Exception {
    long t0 = System.nanoTime();
    JsonNode g = request(broker, alice, "reviewed-db", "SLOW-1");
    assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(3500);
    assertThat(g.path("status").asText()).as(g.toString()).isEqualTo("PENDING");
    assertThat(g.has("token")).isFalse();
    assertThat(g.path("reviewerGroups").toString()).isEqualTo("[\"dba\"]");
    assertThat(g.path("decisionReason").asText())
        .isEqualTo(
            "task SLOW-1 could not be checked in Jira (Jira at http://127.0.0.1:"
                + jira.getAddress().getPort()
                + " did not answer within 1000 ms); target reviewed-db sends such requests to"
                + " reviewers: needs 1 approval from dba");
  }

  @Test
  void aJiraThatIsDownDeniesWhereTheTargetSaysSoAndReviewsElsewhere() throws Exception {
    JsonNode denied = request(downBroker, downAlice, "prod-db", "OPS-1");
    assertThat(denied.path("status").asText()).as(denied.toString()).isEqualTo("DENIED");
    assertThat(denied.path("decisionReason").asText())
        .startsWith(
            "task OPS-1 could not be checked in Jira (cannot reach Jira at http://127.0.0.1:")
        .endsWith("ConnectException); target prod-db denies requests it cannot check");
    JsonNode pending = request(downBroker, downAlice, "reviewed-db", "OPS-1");
    assertThat(pending.path("status").asText()).as(pending.toString()).isEqualTo("PENDING");
  }

  static void assertDenied(JsonNode g, String reason) {
    assertThat(g.path("status").asText()).as(g.toString()).isEqualTo("DENIED");
    assertThat(g.path("decisionReason").asText()).isEqualTo(reason);
    assertThat(g.has("token")).isFalse();
  }

  static String issue(String status, String name, String email, String display) {
    return """
        {"expand":"renderedFields,names,schema","id":"10001","self":"https://acme.atlassian.net/rest/api/2/issue/10001","key":"OPS-1",
         "fields":{"assignee":{"self":"https://acme.atlassian.net/rest/api/2/user?username=%2$s","name":"%2$s","key":"%2$s",
           "emailAddress":"%3$s","displayName":"%4$s","active":true,"timeZone":"UTC"},
           "status":{"self":"https://acme.atlassian.net/rest/api/2/status/3","description":"","name":"%1$s","id":"3",
           "statusCategory":{"id":4,"key":"indeterminate","colorName":"yellow","name":"In Progress"}}}}
        """
        .formatted(status, name, email, display);
  }
}
