package io.hoop.it;

import static io.hoop.it.BrokerJson.assertError;
import static io.hoop.it.BrokerJson.events;
import static io.hoop.it.BrokerJson.get;
import static io.hoop.it.BrokerJson.post;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.hoop.api.AuditEvent;
import io.hoop.api.Json;
import io.hoop.testkit.BrokerFixture;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Approval stages and break-glass through the real broker API: stages approve in order and one
 * person approves in one stage only; break-glass is immediate, capped, notified, audited, and owes
 * an after-the-fact review that only another reviewer can give.
 */
class StagesBreakGlassIT {
  static HttpServer hooks;
  static final BlockingQueue<JsonNode> DELIVERED = new LinkedBlockingQueue<>();
  static BrokerFixture broker;
  static String alice;
  static String bob;
  static String carol;
  static String sam;

  @BeforeAll
  static void start() throws Exception {
    hooks = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    hooks.createContext(
        "/hook",
        ex -> {
          DELIVERED.add(Json.mapper().readTree(ex.getRequestBody().readAllBytes()));
          ex.sendResponseHeaders(204, -1);
          ex.close();
        });
    hooks.start();
    broker =
        BrokerFixture.startFromFile(
            """
            devIdp:
              pollInterval: 1s
              users:
                - username: alice
                  groups: [engineering]
                - username: bob
                  groups: [dba]
                - username: carol
                  groups: [dba, security]
                - username: sam
                  groups: [security]
            notifications:
              webhooks:
                - name: pager
                  url: http://127.0.0.1:%d/hook
                  events: [break_glass]
            targets:
              - name: staged
                type: tcp
                address: 127.0.0.1:5432
                stages:
                  - {groups: [dba], approvals: 1}
                  - {groups: [security], approvals: 1}
                onNoEntitlement: review
              - name: glass
                type: tcp
                address: 127.0.0.1:5432
                reviewers: [dba]
                breakGlass: {maxDuration: 10m}
              - name: plain
                type: tcp
                address: 127.0.0.1:5432
                reviewers: [dba]
            entitlements:
              - principal: alice
                targets: [glass, plain]
            """
                .formatted(hooks.getAddress().getPort()));
    alice = broker.login("alice");
    bob = broker.login("bob");
    carol = broker.login("carol");
    sam = broker.login("sam");
  }

  @AfterAll
  static void stop() throws Exception {
    if (broker != null) {
      broker.close();
    }
    hooks.stop(0);
  }

  @Test
  void stagesApproveInOrderAndTheGrantShowsItsStage() throws Exception {
    String id = pending(alice, "OPS-1");
    assertThat(get(broker, alice, "/v1/grants/" + id).path("decisionReason").asText())
        .startsWith("stage 1 of 2 (dba): 0 of 1 approval; ");
    // security's turn has not come: sam neither counts nor sees the request yet.
    assertThat(ids(get(broker, sam, "/v1/grants?scope=pending"))).doesNotContain(id);
    assertError(approve(sam, id), "stage_not_reached", "sam approves in a later stage");
    JsonNode afterBob = approve(bob, id);
    assertThat(afterBob.path("status").asText()).isEqualTo("PENDING");
    assertThat(afterBob.path("decisionReason").asText())
        .startsWith("stage 2 of 2 (security): 0 of 1 approval; ");
    assertThat(afterBob.path("approvals").get(0).path("stage").asInt()).isZero();
    assertThat(ids(get(broker, sam, "/v1/grants?scope=pending"))).contains(id);
    JsonNode done = approve(sam, id);
    assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("APPROVED");
    assertThat(done.path("approvals").get(1).path("stage").asInt()).isEqualTo(1);
    assertThat(get(broker, alice, "/v1/grants/" + id).path("token").asText()).isNotEmpty();
    List<AuditEvent> approvals =
        events(broker, id).stream().filter(e -> e.type().equals("grant.approval")).toList();
    assertThat(approvals).extracting(e -> e.details().get("stage")).containsExactly(1, 2);
  }

  @Test
  void onePersonInBothStagesCannotSatisfyBoth() throws Exception {
    String id = pending(alice, "OPS-2");
    assertThat(approve(carol, id).path("status").asText()).isEqualTo("PENDING");
    assertError(
        approve(carol, id), "approved_in_another_stage", "one person cannot approve in two stages");
    assertThat(get(broker, alice, "/v1/grants/" + id).path("status").asText()).isEqualTo("PENDING");
    assertThat(approve(sam, id).path("status").asText()).isEqualTo("APPROVED");
  }

  @Test
  void theRequesterIsExcludedFromEveryStage() throws Exception {
    String id = pending(carol, "OPS-3");
    assertError(approve(carol, id), "self_approval", "your own request");
    assertThat(approve(bob, id).path("status").asText()).isEqualTo("PENDING");
    assertError(approve(carol, id), "self_approval", "your own request");
    assertThat(approve(sam, id).path("status").asText()).isEqualTo("APPROVED");
  }

  @Test
  void breakGlassIsImmediateCappedNotifiedAuditedAndReviewedAfterwards() throws Exception {
    DELIVERED.clear();
    Instant before = Instant.now();
    JsonNode g =
        post(
            broker,
            alice,
            "/v1/grants/break-glass",
            Map.of(
                "target",
                "glass",
                "task",
                "INC-7",
                "reason",
                "primary is down",
                "durationSeconds",
                7200));
    String id = g.path("id").asText();
    assertThat(g.path("status").asText()).as(g.toString()).isEqualTo("APPROVED");
    assertThat(g.path("token").asText()).isNotEmpty();
    Instant approvedAt = Instant.parse(g.path("approvedAt").asText());
    assertThat(Duration.between(approvedAt, Instant.parse(g.path("expiresAt").asText())))
        .isEqualTo(Duration.ofMinutes(10));
    assertThat(g.path("decisionReason").asText())
        .isEqualTo("break-glass by alice; after-the-fact review due from dba; capped at 10m");

    JsonNode hook = DELIVERED.poll(5, TimeUnit.SECONDS);
    assertThat(hook).as("break_glass webhook").isNotNull();
    assertThat(hook.path("event").asText()).isEqualTo("break_glass");
    assertThat(hook.path("grant").path("id").asText()).isEqualTo(id);
    assertThat(Duration.between(before, Instant.now())).isLessThan(Duration.ofSeconds(5));

    assertThat(events(broker, id))
        .extracting(AuditEvent::type)
        .containsExactly("grant.break_glass");
    assertThat(events(broker, id).get(0).details()).containsEntry("reason", "primary is down");

    // The review is owed by dba members other than the requester.
    assertThat(ids(get(broker, bob, "/v1/grants?scope=pending"))).contains(id);
    assertThat(ids(get(broker, sam, "/v1/grants?scope=pending"))).doesNotContain(id);
    assertError(approve(alice, id), "self_approval", "your own break-glass access");
    assertError(approve(sam, id), "not_a_reviewer", "group dba");
    JsonNode reviewed =
        post(broker, bob, "/v1/grants/" + id + "/approve", Map.of("comment", "justified: INC-7"));
    assertThat(reviewed.path("status").asText()).as(reviewed.toString()).isEqualTo("APPROVED");
    assertThat(ids(get(broker, bob, "/v1/grants?scope=pending"))).doesNotContain(id);
    assertError(approve(carol, id), "already_reviewed", "was reviewed by bob");
    assertThat(events(broker, id))
        .extracting(AuditEvent::type)
        .containsExactly("grant.break_glass", "grant.break_glass_reviewed");
    assertThat(events(broker, id).get(1).details()).containsEntry("comment", "justified: INC-7");
  }

  @Test
  void breakGlassIsRefusedWhereTheTargetDoesNotAllowIt() throws Exception {
    assertError(
        post(
            broker,
            alice,
            "/v1/grants/break-glass",
            Map.of("target", "plain", "task", "INC-8", "reason", "x")),
        "break_glass_not_allowed",
        "target plain does not allow break-glass access");
    assertError(
        post(broker, alice, "/v1/grants/break-glass", Map.of("target", "glass", "task", "INC-8")),
        "reason_required",
        "break-glass access needs a reason");
    assertError(
        post(
            broker,
            bob,
            "/v1/grants/break-glass",
            Map.of("target", "glass", "task", "INC-8", "reason", "x")),
        "break_glass_not_entitled",
        "no entitlement covers bob on target glass");
  }

  @Test
  void hoopConnectBreakGlassOpensTheTunnelOrSaysWhyNot(@TempDir Path home) throws Exception {
    Map<String, String> env = HoopCli.env(home);
    String[] login = {"login", "--broker", broker.url(), "--fingerprint", broker.fingerprint()};
    assertThat(hoop(env, new CodeApprover(broker, "alice", true), login)[0]).isEqualTo("0");

    String[] usage = hoop(env, null, "connect", "glass", "--task", "INC-9", "--break-glass");
    assertThat(usage[0]).isEqualTo("2");
    assertThat(usage[2]).contains("--break-glass needs TARGET, --task and --reason");

    String[] refused =
        hoop(env, null, "connect", "plain", "--task", "INC-9", "--break-glass", "--reason", "x");
    assertThat(refused[0]).as(refused[2]).isEqualTo("3");
    assertThat(refused[2]).contains("target plain does not allow break-glass access");

    String[] ran =
        hoop(
            env,
            null,
            "connect",
            "glass",
            "--task",
            "INC-9",
            "--break-glass",
            "--reason",
            "db down",
            "--",
            "true");
    assertThat(ran[0]).as(ran[2]).isEqualTo("0");
    String id =
        events(broker, null).stream()
            .filter(e -> e.type().equals("grant.break_glass") && "INC-9".equals(e.task()))
            .findFirst()
            .orElseThrow()
            .grantId();
    assertThat(ids(get(broker, bob, "/v1/grants?scope=pending"))).contains(id);
  }

  /** Runs hoop in-process; returns exit code, stdout and stderr. */
  static String[] hoop(Map<String, String> env, OutputStream errSink, String... args) {
    HoopCli.Run r = HoopCli.run(env, errSink, args);
    return new String[] {Integer.toString(r.code()), r.out(), r.err()};
  }

  // ---------------------------------------------------------------- helpers

  static String pending(String session, String task) throws Exception {
    JsonNode g = post(broker, session, "/v1/grants", Map.of("target", "staged", "task", task));
    assertThat(g.path("status").asText()).as(g.toString()).isEqualTo("PENDING");
    return g.path("id").asText();
  }

  static JsonNode approve(String session, String id) throws Exception {
    return post(broker, session, "/v1/grants/" + id + "/approve", Map.of());
  }

  static List<String> ids(JsonNode list) {
    return list.path("grants").findValuesAsText("id");
  }
}
