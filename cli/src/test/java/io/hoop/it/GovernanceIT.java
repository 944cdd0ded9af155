package io.hoop.it;

import static io.hoop.it.BrokerJson.assertError;
import static io.hoop.it.BrokerJson.events;
import static io.hoop.it.BrokerJson.get;
import static io.hoop.it.BrokerJson.post;
import static io.hoop.it.BrokerJson.request;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hoop.api.AuditEvent;
import io.hoop.api.Json;
import io.hoop.testkit.BrokerFixture;
import io.hoop.tunnel.client.TunnelClient;
import io.hoop.tunnel.protocol.CloseNotice;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Governance end to end on a real in-process broker: approvals with their rules, access reviews,
 * task patterns, pending timeouts, and revocation closing live tunnels. Each test uses its own
 * target so the tests do not depend on each other's order.
 */
class GovernanceIT {
  static EchoServer echo;
  static BrokerFixture broker;
  static String alice;
  static String bob;
  static String carol;
  static String erin;

  @BeforeAll
  static void start() throws Exception {
    echo = new EchoServer();
    String echoAddress = "127.0.0.1:" + echo.port();
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
                - username: carol
                  groups: [dba, security]
                - username: erin
                  groups: [engineering]
            targets:
              - name: echo
                type: tcp
                address: %1$s
                reviewers: [dba]
                task:
                  pattern: "^[A-Z]+-[0-9]+$"
              - name: quorum
                type: tcp
                address: %1$s
                reviewers: [dba, security]
                approvals: 2
                onNoEntitlement: review
              - name: stale
                type: tcp
                address: %1$s
                reviewers: [dba]
              - name: cert
                type: tcp
                address: %1$s
                reviewers: [security]
              - name: short
                type: tcp
                address: %1$s
                reviewers: [dba]
                onNoEntitlement: review
                pendingTimeout: 2s
            entitlements:
              - principal: alice
                targets: [echo, cert]
                reviewedBy: carol
                reviewedAt: 2026-01-01T00:00:00Z
                reviewExpiresAt: 2099-01-01T00:00:00Z
              - group: engineering
                targets: [stale]
            """
                .formatted(echoAddress));
    alice = broker.login("alice");
    bob = broker.login("bob");
    carol = broker.login("carol");
    erin = broker.login("erin");
  }

  @AfterAll
  static void stop() throws Exception {
    if (broker != null) {
      broker.close();
    }
    echo.close();
  }

  @Test
  void selfApprovalIsRefused() throws Exception {
    JsonNode g = request(broker, bob, "quorum", "OPS-1");
    assertThat(g.path("status").asText()).isEqualTo("PENDING");
    JsonNode r = post(broker, bob, "/v1/grants/" + g.path("id").asText() + "/approve", Map.of());
    assertError(r, "self_approval", "you cannot approve your own request");
  }

  @Test
  void approverOutsideTheReviewerGroupsIsRefusedNamingThem() throws Exception {
    JsonNode g = request(broker, alice, "quorum", "OPS-2");
    JsonNode r = post(broker, erin, "/v1/grants/" + g.path("id").asText() + "/approve", Map.of());
    assertError(r, "not_a_reviewer", "group dba or security");
    assertThat(get(broker, alice, "/v1/grants/" + g.path("id").asText()).path("approvals"))
        .isEmpty();
  }

  @Test
  void quorumOfTwoCountsPeopleNotApprovalsAndTheRequesterThenGetsAToken() throws Exception {
    JsonNode g = request(broker, alice, "quorum", "OPS-3");
    String id = g.path("id").asText();
    assertThat(g.path("approvalsRequired").asInt()).isEqualTo(2);
    assertThat(g.path("reviewerGroups").toString()).isEqualTo("[\"dba\",\"security\"]");
    assertThat(g.has("token")).isFalse();
    assertThat(idsOf(get(broker, bob, "/v1/grants?scope=pending"))).contains(id);
    assertThat(idsOf(get(broker, alice, "/v1/grants?scope=pending"))).doesNotContain(id);

    // carol is in both reviewer groups and approves twice: one person, one approval.
    JsonNode first =
        post(broker, carol, "/v1/grants/" + id + "/approve", Map.of("comment", "looks fine"));
    assertThat(first.path("status").asText()).as(first.toString()).isEqualTo("PENDING");
    JsonNode again = post(broker, carol, "/v1/grants/" + id + "/approve", Map.of());
    assertThat(again.path("status").asText()).isEqualTo("PENDING");
    assertThat(again.path("approvals")).hasSize(1);
    assertThat(again.path("approvals").get(0).path("comment").asText()).isEqualTo("looks fine");
    assertThat(idsOf(get(broker, carol, "/v1/grants?scope=pending"))).doesNotContain(id);
    assertThat(get(broker, alice, "/v1/grants/" + id).has("token")).isFalse();

    JsonNode done = post(broker, bob, "/v1/grants/" + id + "/approve", Map.of());
    assertThat(done.path("status").asText()).isEqualTo("APPROVED");
    assertThat(done.path("decidedBy").asText()).isEqualTo("bob");
    assertThat(done.has("token")).as("approvers never get the token").isFalse();
    Instant approvedAt = Instant.parse(done.path("approvedAt").asText());
    assertThat(Instant.parse(done.path("expiresAt").asText()))
        .isEqualTo(approvedAt.plus(Duration.ofHours(1)));

    JsonNode mine = get(broker, alice, "/v1/grants/" + id);
    assertThat(mine.path("status").asText()).isEqualTo("APPROVED");
    assertThat(mine.path("token").asText()).isNotBlank();
    assertThat(get(broker, bob, "/v1/grants/" + id).has("token")).isFalse();
    assertThat(idsOf(get(broker, alice, "/v1/grants?scope=mine"))).contains(id);
    assertThat(get(broker, alice, "/v1/grants?scope=mine").toString()).doesNotContain("token");

    assertThat(events(broker, id))
        .extracting(AuditEvent::type)
        .containsExactly(
            "grant.pending",
            "grant.approval",
            "grant.approval",
            "grant.approval",
            "grant.approved");
    assertThat(events(broker, id).get(2).details()).containsEntry("counted", false);
    assertThat(events(broker, id).get(4).details())
        .containsEntry("approvers", List.of("carol", "bob"));
  }

  @Test
  void staleReviewGoesToReviewersAndCertifyingGrantsTheNextRequestAtOnce() throws Exception {
    JsonNode g = request(broker, alice, "stale", "OPS-4");
    assertThat(g.path("status").asText()).isEqualTo("PENDING");
    assertThat(g.path("decisionReason").asText()).contains("never been reviewed");
    String entitlement = entitlementOn(bob, "stale", true);

    JsonNode noComment = post(broker, bob, "/v1/reviews/" + entitlement + "/certify", Map.of());
    assertError(noComment, "comment_required", "comment");
    JsonNode outsider =
        post(broker, alice, "/v1/reviews/" + entitlement + "/certify", Map.of("comment", "mine"));
    assertError(outsider, "not_a_reviewer", "group dba");
    JsonNode cert =
        post(
            broker,
            bob,
            "/v1/reviews/" + entitlement + "/certify",
            Map.of("comment", "still needed"));
    assertThat(cert.path("reviewedBy").asText()).as(cert.toString()).isEqualTo("bob");
    Instant until = Instant.parse(cert.path("reviewExpiresAt").asText());
    assertThat(until)
        .isBetween(
            Instant.now().plus(Duration.ofDays(89)), Instant.now().plus(Duration.ofDays(91)));
    assertThat(entitlementOn(bob, "stale", false)).isEqualTo(entitlement);
    assertThat(get(broker, bob, "/v1/reviews?due=true").toString()).doesNotContain(entitlement);

    JsonNode next = request(broker, alice, "stale", "OPS-5");
    assertThat(next.path("status").asText()).isEqualTo("APPROVED");
    assertThat(next.path("token").asText()).isNotBlank();
    assertThat(broker.server().audit().list(0, 10_000, "bob", null))
        .filteredOn(e -> e.type().equals("review.certified"))
        .anySatisfy(e -> assertThat(e.details()).containsEntry("entitlement", entitlement));
  }

  @Test
  void revokingAnEntitlementRevokesItsLiveGrants() throws Exception {
    JsonNode g = request(broker, alice, "cert", "OPS-6");
    assertThat(g.path("status").asText()).isEqualTo("APPROVED");
    String entitlement = entitlementOn(carol, "cert", false);
    assertError(
        post(broker, carol, "/v1/reviews/" + entitlement + "/revoke", Map.of()),
        "reason_required",
        "reason");
    JsonNode revoked =
        post(
            broker,
            carol,
            "/v1/reviews/" + entitlement + "/revoke",
            Map.of("reason", "left the team"));
    assertThat(revoked.path("status").asText()).as(revoked.toString()).isEqualTo("revoked");

    JsonNode after = get(broker, alice, "/v1/grants/" + g.path("id").asText());
    assertThat(after.path("status").asText()).isEqualTo("REVOKED");
    assertThat(after.path("decidedBy").asText()).isEqualTo("carol");
    assertThat(after.path("decisionReason").asText()).contains("left the team");
    assertThat(after.has("token")).isFalse();
    assertThat(request(broker, alice, "cert", "OPS-7").path("status").asText()).isEqualTo("DENIED");
  }

  @Test
  void revokeClosesALiveTunnelWithinOneSecond() throws Exception {
    JsonNode g = request(broker, alice, "echo", "OPS-8");
    String id = g.path("id").asText();
    List<CloseNotice> notices = new CopyOnWriteArrayList<>();
    try (TunnelClient client = Tunnels.open(broker, g.path("token").asText(), alice, notices)) {
      Socket s = Tunnels.connectAndPing(client);
      assertError(
          post(broker, erin, "/v1/grants/" + id + "/revoke", Map.of("reason", "x")),
          "not_a_reviewer",
          "requester");
      Instant revokedAt = Instant.now();
      JsonNode r =
          post(broker, bob, "/v1/grants/" + id + "/revoke", Map.of("reason", "incident over"));
      assertThat(r.path("status").asText()).as(r.toString()).isEqualTo("REVOKED");
      Instant closed = awaitEof(s);
      assertThat(Duration.between(revokedAt, closed)).isLessThanOrEqualTo(Duration.ofSeconds(1));
      assertThat(notices).extracting(CloseNotice::code).containsExactly("grant_revoked");
      assertThat(notices.get(0).message())
          .isEqualTo("grant " + id + " for echo was revoked by bob: incident over");
      // The token is now useless for new tunnels too.
      Socket refused =
          new Socket(client.localAddress().getAddress(), client.localAddress().getPort());
      assertThat(awaitEof(refused)).isNotNull();
    }
    assertError(
        post(broker, bob, "/v1/grants/" + id + "/revoke", Map.of("reason", "again")),
        "not_revocable",
        "revoked");
    assertThat(events(broker, id))
        .filteredOn(e -> e.type().equals("grant.revoked"))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.details())
                  .containsEntry("by", "bob")
                  .containsEntry("reason", "incident over");
              assertThat(e.details()).containsEntry("tunnelsClosed", 1);
              assertThat(e.task()).isEqualTo("OPS-8");
            });
  }

  @Test
  void taskPatternMismatchIsBadTaskNamingThePattern() throws Exception {
    JsonNode r =
        Json.mapper()
            .readTree(
                broker.send(
                    "POST",
                    "/v1/grants",
                    "{\"target\":\"echo\",\"task\":\"ops-9\"}",
                    "application/json",
                    alice));
    assertError(r, "bad_task", "^[A-Z]+-[0-9]+$");
  }

  @Test
  void pendingRequestTimesOutAndCannotBeApprovedAfterwards() throws Exception {
    JsonNode g = request(broker, alice, "short", "OPS-10");
    assertThat(g.path("status").asText()).isEqualTo("PENDING");
    Thread.sleep(2_200);
    JsonNode r = post(broker, bob, "/v1/grants/" + g.path("id").asText() + "/approve", Map.of());
    assertError(r, "request_timed_out", "timed out");
    assertThat(get(broker, alice, "/v1/grants/" + g.path("id").asText()).path("status").asText())
        .isEqualTo("EXPIRED");
  }

  @Test
  void denyNeedsAReasonAndScopeAllIsForReviewers() throws Exception {
    JsonNode g = request(broker, alice, "short", "OPS-11");
    String id = g.path("id").asText();
    assertError(
        post(broker, bob, "/v1/grants/" + id + "/deny", Map.of()), "reason_required", "reason");
    JsonNode denied =
        post(broker, bob, "/v1/grants/" + id + "/deny", Map.of("reason", "use staging"));
    assertThat(denied.path("status").asText()).isEqualTo("DENIED");
    assertThat(denied.path("decisionReason").asText()).isEqualTo("use staging");
    assertError(get(broker, erin, "/v1/grants?scope=all"), "forbidden", "reviewer");
    assertThat(idsOf(get(broker, bob, "/v1/grants?scope=all"))).contains(id);
    assertError(get(broker, bob, "/v1/grants?scope=everything"), "bad_request", "scope");
    assertError(get(broker, erin, "/v1/grants/" + id), "unknown_grant", id);
  }

  // ---------------------------------------------------------------- helpers

  static List<String> idsOf(JsonNode list) {
    assertThat(list.has("grants")).as(list.toString()).isTrue();
    return list.path("grants").findValuesAsText("id");
  }

  static String entitlementOn(String session, String target, boolean due) throws Exception {
    JsonNode list = get(broker, session, "/v1/reviews" + (due ? "?due=true" : ""));
    for (JsonNode e : list.path("entitlements")) {
      if (e.path("target").asText().equals(target)) {
        return e.path("id").asText();
      }
    }
    throw new AssertionError("no entitlement on " + target + " in " + list);
  }

  private static Instant awaitEof(Socket s) throws Exception {
    Tunnels.drainUntilClosed(s);
    return Instant.now();
  }
}
