package io.hoop.it;

import static io.hoop.it.BrokerJson.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.hoop.api.Json;
import io.hoop.testkit.BrokerFixture;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Webhooks end to end: a real broker notifies a local HTTP receiver on pending, approved, denied,
 * revoked and expiring; a receiver that is down neither slows grants nor loses the record of the
 * attempts.
 */
class NotificationsIT {
  static final String SECRET = "it-webhook-secret";
  static HttpServer receiver;
  static final List<Received> received = new CopyOnWriteArrayList<>();
  static EchoServer echo;
  static BrokerFixture broker;
  static Path secretDir;
  static String alice;
  static String bob;

  record Received(String path, String event, String signature, String delivery, byte[] body) {
    JsonNode json() throws Exception {
      return Json.mapper().readTree(body);
    }
  }

  @BeforeAll
  static void start() throws Exception {
    receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext(
        "/",
        ex -> {
          received.add(
              new Received(
                  ex.getRequestURI().getPath(),
                  ex.getRequestHeaders().getFirst("X-Hoop-Event"),
                  ex.getRequestHeaders().getFirst("X-Hoop-Signature"),
                  ex.getRequestHeaders().getFirst("X-Hoop-Delivery"),
                  ex.getRequestBody().readAllBytes()));
          ex.sendResponseHeaders(204, -1);
          ex.close();
        });
    receiver.start();
    int dead;
    try (ServerSocket s = new ServerSocket(0)) {
      dead = s.getLocalPort();
    }
    secretDir = Files.createTempDirectory("hoop-webhook-");
    Path secret = Files.writeString(secretDir.resolve("secret"), SECRET + "\n");
    echo = new EchoServer();
    String hook = "http://127.0.0.1:" + receiver.getAddress().getPort();
    broker =
        BrokerFixture.start(
            """
            devIdp:
              pollInterval: 1s
              users:
                - username: alice
                  groups: [engineering]
                - username: bob
                  groups: [dba]
            targets:
              - name: reviewed
                type: tcp
                address: 127.0.0.1:%1$d
                reviewers: [dba]
                onNoEntitlement: review
              - name: auto
                type: tcp
                address: 127.0.0.1:%1$d
            entitlements:
              - principal: alice
                targets: [auto]
            notifications:
              expiringBefore: 2s
              attempts: 3
              backoff: 1s
              webhooks:
                - name: generic
                  url: %2$s/generic
                  secretFile: %3$s
                - name: chat
                  url: %2$s/slack
                  format: slack
                  events: [pending]
                - name: down
                  url: http://127.0.0.1:%4$d/hook
                  events: [approved]
            """
                .formatted(echo.port(), hook, secret, dead));
    alice = broker.login("alice");
    bob = broker.login("bob");
  }

  @AfterAll
  static void stop() throws Exception {
    if (broker != null) {
      broker.close();
    }
    receiver.stop(0);
    echo.close();
    Files.deleteIfExists(secretDir.resolve("secret"));
    Files.deleteIfExists(secretDir);
  }

  @Test
  void pendingApprovedAndRevokedArriveSignedWithTheGrant() throws Exception {
    JsonNode g = request(alice, "reviewed", "OPS-1", 0);
    String id = g.path("id").asText();
    assertThat(g.path("status").asText()).isEqualTo("PENDING");

    Received pending = awaitDelivery(id, "/generic", "pending");
    JsonNode body = pending.json();
    assertThat(body.path("event").asText()).isEqualTo("pending");
    assertThat(body.path("at").asText()).isNotEmpty();
    JsonNode grant = body.path("grant");
    assertThat(grant.path("target").asText()).isEqualTo("reviewed");
    assertThat(grant.path("principal").asText()).isEqualTo("alice");
    assertThat(grant.path("task").asText()).isEqualTo("OPS-1");
    assertThat(grant.path("reason").asText()).isEqualTo("because OPS-1");
    assertThat(grant.path("status").asText()).isEqualTo("PENDING");
    assertThat(grant.has("token")).isFalse();
    assertThat(pending.signature()).isEqualTo(hmac(pending.body()));
    assertThat(pending.delivery()).isNotBlank();

    Received slack = awaitDelivery(id, "/slack", "pending");
    JsonNode s = slack.json();
    assertThat(s.path("text").asText())
        .startsWith("alice requests access to reviewed (task OPS-1)")
        .endsWith("hoop approve " + id);
    assertThat(s.path("blocks").toString()).contains("`hoop approve " + id + "`");

    post(bob, "/v1/grants/" + id + "/approve", Map.of("comment", "ok"));
    JsonNode approved = awaitDelivery(id, "/generic", "approved").json();
    assertThat(approved.path("grant").path("status").asText()).isEqualTo("APPROVED");
    assertThat(approved.path("grant").path("decidedBy").asText()).isEqualTo("bob");
    assertThat(approved.path("grant").path("approvals").get(0).path("approver").asText())
        .isEqualTo("bob");
    assertThat(approved.path("grant").path("expiresAt").asText()).isNotEmpty();

    post(alice, "/v1/grants/" + id + "/revoke", Map.of("reason", "done early"));
    JsonNode revoked = awaitDelivery(id, "/generic", "revoked").json();
    assertThat(revoked.path("grant").path("status").asText()).isEqualTo("REVOKED");
    assertThat(revoked.path("grant").path("decisionReason").asText()).isEqualTo("done early");
    // The chat webhook only subscribed to pending.
    assertThat(received)
        .filteredOn(r -> r.path().equals("/slack"))
        .allMatch(r -> r.event().equals("pending"));
  }

  @Test
  void deniedArrivesWithTheReason() throws Exception {
    String id = request(alice, "reviewed", "OPS-2", 0).path("id").asText();
    post(bob, "/v1/grants/" + id + "/deny", Map.of("reason", "not today"));
    JsonNode denied = awaitDelivery(id, "/generic", "denied").json();
    assertThat(denied.path("grant").path("status").asText()).isEqualTo("DENIED");
    assertThat(denied.path("grant").path("decisionReason").asText()).isEqualTo("not today");
    assertThat(denied.path("grant").path("decidedBy").asText()).isEqualTo("bob");
  }

  @Test
  void aDeadReceiverNeitherSlowsGrantsNorGoesUnrecorded() throws Exception {
    List<Long> millis = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      long t = System.nanoTime();
      JsonNode g = request(alice, "auto", "OPS-" + (100 + i), 0);
      millis.add((System.nanoTime() - t) / 1_000_000);
      assertThat(g.path("status").asText()).isEqualTo("APPROVED");
      ids.add(g.path("id").asText());
    }
    assertThat(millis).allMatch(ms -> ms < 1000, "every grant request under a second");
    String id = ids.get(0);
    // attempts: 3 with backoff 1s: at 0 s, 1 s and 3 s.
    await().atMost(Duration.ofSeconds(20)).until(() -> deliveries(bob, id, "down").size() == 3);
    List<JsonNode> rows = deliveries(bob, id, "down");
    assertThat(rows).extracting(r -> r.path("attempt").asInt()).containsExactly(3, 2, 1);
    assertThat(rows)
        .allSatisfy(
            r -> {
              assertThat(r.path("delivered").asBoolean()).isFalse();
              assertThat(r.has("status")).isFalse();
              assertThat(r.path("error").asText()).contains("ConnectException");
              assertThat(r.path("event").asText()).isEqualTo("approved");
            });
    // The healthy receiver got the same events at once, delivered on the first attempt.
    List<JsonNode> ok = deliveries(bob, id, "generic");
    assertThat(ok).hasSize(1);
    assertThat(ok.get(0).path("status").asInt()).isEqualTo(204);
    assertThat(ok.get(0).path("delivered").asBoolean()).isTrue();
  }

  @Test
  void deliveriesAreForReviewersOnly() throws Exception {
    JsonNode r = get(broker, alice, "/v1/notifications/deliveries");
    assertThat(r.path("error").path("code").asText()).as(r.toString()).isEqualTo("forbidden");
  }

  @Test
  void expiringFiresOnceBeforeTheGrantEnds() throws Exception {
    JsonNode g = request(alice, "auto", "OPS-9", 5);
    String id = g.path("id").asText();
    Received expiring = awaitDelivery(id, "/generic", "expiring");
    JsonNode body = expiring.json();
    assertThat(body.path("grant").path("status").asText()).isEqualTo("APPROVED");
    assertThat(java.time.Instant.parse(body.path("at").asText()))
        .isBefore(java.time.Instant.parse(body.path("grant").path("expiresAt").asText()));
    Thread.sleep(4000);
    assertThat(received)
        .filteredOn(r -> r.event().equals("expiring") && grantId(r).equals(id))
        .hasSize(1);
  }

  static JsonNode request(String session, String target, String task, long seconds)
      throws Exception {
    return Json.mapper()
        .readTree(
            broker.send(
                "POST",
                "/v1/grants",
                Json.mapper()
                    .writeValueAsString(
                        Map.of(
                            "target", target,
                            "task", task,
                            "reason", "because " + task,
                            "durationSeconds", seconds)),
                "application/json",
                session));
  }

  static JsonNode post(String session, String path, Map<String, Object> body) throws Exception {
    JsonNode r =
        Json.mapper()
            .readTree(
                broker.send(
                    "POST",
                    path,
                    Json.mapper().writeValueAsString(body),
                    "application/json",
                    session));
    assertThat(r.has("error")).as(r.toString()).isFalse();
    return r;
  }

  static List<JsonNode> deliveries(String session, String grantId, String webhook)
      throws Exception {
    JsonNode list = get(broker, session, "/v1/notifications/deliveries?grant=" + grantId);
    assertThat(list.has("deliveries")).as(list.toString()).isTrue();
    List<JsonNode> out = new ArrayList<>();
    list.path("deliveries")
        .forEach(
            d -> {
              if (d.path("webhook").asText().equals(webhook)) {
                out.add(d);
              }
            });
    return out;
  }

  static String grantId(Received r) {
    try {
      return r.path().equals("/slack") ? "" : r.json().path("grant").path("id").asText();
    } catch (Exception e) {
      return "";
    }
  }

  static Received awaitDelivery(String grantId, String path, String event) {
    return await()
        .atMost(Duration.ofSeconds(15))
        .until(
            () ->
                received.stream()
                    .filter(r -> r.path().equals(path) && r.event().equals(event))
                    .filter(
                        r ->
                            path.equals("/slack")
                                ? new String(r.body(), StandardCharsets.UTF_8).contains(grantId)
                                : grantId(r).equals(grantId))
                    .findFirst()
                    .orElse(null),
            r -> r != null);
  }

  static String hmac(byte[] body) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return "sha256=" + java.util.HexFormat.of().formatHex(mac.doFinal(body));
  }
}
