package io.hoop.it;

import static io.hoop.it.BrokerJson.assertError;
import static io.hoop.it.BrokerJson.events;
import static io.hoop.it.BrokerJson.get;
import static io.hoop.it.BrokerJson.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.hoop.api.AuditEvent;
import io.hoop.api.GrantStatus;
import io.hoop.api.Json;
import io.hoop.broker.store.StoredGrant;
import io.hoop.it.HoopCli.Run;
import io.hoop.testkit.BrokerFixture;
import io.hoop.tunnel.engine.Holds;
import io.hoop.tunnel.engine.Holds.Decision;
import io.hoop.tunnel.engine.Holds.HoldRequest;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Operations held for review through the real broker, its API and the real CLI in-process. The
 * engine side (an ssh exec command, a postgres statement) is played by the test: it holds
 * operations through the broker's own {@code BrokerHolds}, bound to a real grant as the tunnel
 * authorizer binds it, and waits on the decision as an engine would.
 *
 * <p>Attacks: the requester approving their own hold although a reviewer, a reviewer of another
 * target, a second approval, deciding an expired, cancelled or denied hold or one whose grant was
 * revoked, hostile operation text (terminal escapes, newlines, bidi overrides, 1 MB), hostile ids
 * and unknown fields in bodies.
 */
class HoldsSecurityIT {
  static final String HOSTILE =
      "rm -rf /tmp/cache\n\u001b[2J\u001b]0;pwned\u0007echo ok\r\t\u202etxt.exe\u009b31m \\n";

  static HttpServer hooks;
  static final BlockingQueue<JsonNode> DELIVERED = new LinkedBlockingQueue<>();
  static BrokerFixture broker;
  static String alice;
  static String bob;
  static String sam;
  @TempDir static Path home;

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
        BrokerFixture.start(
            """
            devIdp:
              pollInterval: 1s
              users:
                - username: alice
                  groups: [engineering, dba]
                - username: bob
                  groups: [dba]
                - username: sam
                  groups: [security]
            notifications:
              webhooks:
                - name: reviewers
                  url: http://127.0.0.1:%d/hook
                  events: [hold]
            targets:
              - name: box
                type: tcp
                address: 127.0.0.1:1
                reviewers: [dba]
              - name: vault
                type: tcp
                address: 127.0.0.1:1
                reviewers: [security]
              - name: lonely
                type: tcp
                address: 127.0.0.1:1
            entitlements:
              - principal: alice
                targets: [box, vault, lonely]
                reviewedBy: carol
                reviewedAt: 2026-01-01T00:00:00Z
                reviewExpiresAt: 2099-01-01T00:00:00Z
            """
                .formatted(hooks.getAddress().getPort()));
    alice = broker.login("alice");
    bob = broker.login("bob");
    sam = broker.login("sam");
    cliLogin("alice");
    cliLogin("bob");
    cliLogin("sam");
  }

  @AfterAll
  static void stop() throws Exception {
    if (broker != null) {
      broker.close();
    }
    if (hooks != null) {
      hooks.stop(0);
    }
  }

  @Test
  void aReviewerSeesTheExactOperationEscapedAndApprovesItOnce() throws Exception {
    StoredGrant g = grant("box", "OPS-1");
    Holds.Hold hold = hold(g, HOSTILE);
    String id = hold.id();
    assertThat(hold.notice()).contains("hoop approve " + id).doesNotContain("rm -rf");

    Run pending = hoop("bob", "requests", "--pending");
    assertThat(pending.code()).as(pending.err()).isZero();
    assertThat(pending.out())
        .contains("Operations held for your review")
        .contains(id, "box", "OPS-1", "alice", "exec")
        .contains(
            "rm -rf /tmp/cache\\n\\u{001B}[2J\\u{001B}]0;pwned\\u{0007}echo ok\\r\\t"
                + "\\u{202E}txt.exe\\u{009B}31m \\\\n");
    assertNoTerminalControls(pending.out());

    Run json = hoop("bob", "requests", "--pending", "-o", "json");
    JsonNode holds = Json.mapper().readTree(json.out()).path("holds");
    assertThat(holds).hasSize(1);
    assertThat(holds.get(0).path("operation").asText()).isEqualTo(HOSTILE);
    assertThat(holds.get(0).path("status").asText()).isEqualTo("PENDING");

    // The webhook names the hold, with the exact text in the generic body.
    JsonNode hook = null;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (hook == null && System.nanoTime() < deadline) {
      JsonNode next = DELIVERED.poll(1, TimeUnit.SECONDS);
      if (next != null && next.path("hold").path("id").asText().equals(id)) {
        hook = next;
      }
    }
    assertThat(hook).as("webhook for %s", id).isNotNull();
    assertThat(hook.path("event").asText()).isEqualTo("hold");
    assertThat(hook.path("hold").path("id").asText()).isEqualTo(id);
    assertThat(hook.path("hold").path("operation").asText()).isEqualTo(HOSTILE);

    Run approved = hoop("bob", "approve", id, "--comment", "checked");
    assertThat(approved.code()).as(approved.err()).isZero();
    assertThat(approved.out()).startsWith("approved: " + id + " runs once: exec on box by alice");
    assertNoTerminalControls(approved.out());
    assertThat(decision(hold)).isEqualTo(new Decision(true, "bob", ""));

    Run again = hoop("bob", "approve", id);
    assertThat(again.code()).as(again.out()).isEqualTo(3);
    assertThat(again.err()).contains("is approved (bob)");
    assertThat(hoop("bob", "requests", "--pending").out()).doesNotContain(id);
    List<AuditEvent> audit = events(broker, g.id());
    assertThat(audit)
        .extracting(AuditEvent::type)
        .containsSubsequence("hold.requested", "hold.approved");
    AuditEvent approval =
        audit.stream().filter(e -> e.type().equals("hold.approved")).findFirst().orElseThrow();
    assertThat(approval.principal()).isEqualTo("alice");
    assertThat(approval.details()).containsEntry("by", "bob").containsEntry("comment", "checked");
  }

  @Test
  void theRequesterNeverApprovesTheirOwnHoldEvenAsAReviewer() throws Exception {
    StoredGrant g = grant("box", "OPS-2");
    Holds.Hold hold = hold(g, "systemctl restart nginx");
    Run self = hoop("alice", "approve", hold.id());
    assertThat(self.code()).isEqualTo(3);
    assertThat(self.err()).contains("your own held operation");
    assertError(
        post(broker, alice, "/v1/holds/" + hold.id() + "/deny", Map.of("reason", "x")),
        "self_approval",
        "your own held operation");
    // Not in her review list; in her own.
    assertThat(ids(get(broker, alice, "/v1/holds?scope=pending"))).doesNotContain(hold.id());
    assertThat(ids(get(broker, alice, "/v1/holds?scope=mine"))).contains(hold.id());
    assertThat(get(broker, alice, "/v1/holds/" + hold.id()).path("status").asText())
        .isEqualTo("PENDING");
    assertThat(hold.decision().toCompletableFuture().isDone()).isFalse();
    hold.cancel();
    assertThat(decision(hold).approved()).isFalse();
  }

  @Test
  void aReviewerOfAnotherTargetCanNeitherSeeNorDecideIt() throws Exception {
    StoredGrant g = grant("vault", "OPS-3");
    Holds.Hold hold = hold(g, "cat /etc/shadow");
    assertError(
        post(broker, bob, "/v1/holds/" + hold.id() + "/approve", Map.of()),
        "not_a_reviewer",
        "bob is not a reviewer of vault");
    assertThat(hoop("bob", "approve", hold.id()).code()).isEqualTo(3);
    assertThat(ids(get(broker, bob, "/v1/holds?scope=pending"))).doesNotContain(hold.id());
    assertError(get(broker, bob, "/v1/holds/" + hold.id()), "unknown_hold", hold.id());
    assertThat(ids(get(broker, sam, "/v1/holds?scope=pending"))).contains(hold.id());
    Run denied = hoop("sam", "deny", hold.id(), "--reason", "use the audit copy");
    assertThat(denied.code()).as(denied.err()).isZero();
    assertThat(denied.out()).startsWith("denied: " + hold.id() + " will not run");
    assertThat(decision(hold))
        .isEqualTo(new Decision(false, "sam", "denied by sam: use the audit copy"));
    // A denied hold cannot be approved afterwards.
    assertError(
        post(broker, sam, "/v1/holds/" + hold.id() + "/approve", Map.of()),
        "not_pending",
        "is denied (sam)");
  }

  @Test
  void expiredAndCancelledHoldsCannotBeApproved() throws Exception {
    StoredGrant g = grant("box", "OPS-4");
    // The hold's grant as the session knows it ends in a second: so does the hold.
    StoredGrant ending = withExpiry(g, Instant.now().plusSeconds(1));
    Holds.Hold expiring = hold(ending, "reboot");
    Decision d = decision(expiring);
    assertThat(d.approved()).isFalse();
    assertThat(d.reason()).contains("expired before a reviewer decided");
    assertError(
        post(broker, bob, "/v1/holds/" + expiring.id() + "/approve", Map.of()),
        "not_pending",
        "is expired");
    Run late = hoop("bob", "approve", expiring.id());
    assertThat(late.code()).isEqualTo(3);

    Holds.Hold cancelled = hold(g, "reboot now");
    cancelled.cancel();
    assertThat(decision(cancelled).reason()).isEqualTo("the session stopped waiting");
    assertError(
        post(broker, bob, "/v1/holds/" + cancelled.id() + "/approve", Map.of()),
        "not_pending",
        "is cancelled");
    assertThat(events(broker, g.id()))
        .extracting(AuditEvent::type)
        .contains("hold.expired", "hold.cancelled");
  }

  @Test
  void aHoldDiesWithItsGrant() throws Exception {
    StoredGrant g = grant("box", "OPS-5");
    Holds.Hold hold = hold(g, "dd if=/dev/zero of=/dev/sda");
    JsonNode revoked =
        post(broker, bob, "/v1/grants/" + g.id() + "/revoke", Map.of("reason", "incident over"));
    assertThat(revoked.path("status").asText()).as(revoked.toString()).isEqualTo("REVOKED");
    Decision d = decision(hold);
    assertThat(d.approved()).isFalse();
    assertThat(d.reason()).contains("was revoked by bob: incident over");
    assertError(
        post(broker, bob, "/v1/holds/" + hold.id() + "/approve", Map.of()),
        "not_pending",
        "is cancelled");
    // Nothing more can be held under it.
    assertThatThrownBy(
            () ->
                broker
                    .server()
                    .holds()
                    .forSession(g, "s-after")
                    .hold(new HoldRequest("exec", "ls", "r"))
                    .toCompletableFuture()
                    .join())
        .isInstanceOf(CompletionException.class)
        .hasMessageContaining("grant " + g.id() + " is revoked");
  }

  @Test
  void hostileTextIdsAndBodiesAreRefused() throws Exception {
    StoredGrant g = grant("box", "OPS-6");
    Holds session = broker.server().holds().forSession(g, "s-hostile");
    assertThatThrownBy(
            () ->
                session
                    .hold(new HoldRequest("exec", "x".repeat(1 << 20), "r"))
                    .toCompletableFuture()
                    .join())
        .hasMessageContaining("1048576 characters long");
    assertThat(get(broker, bob, "/v1/holds?scope=pending").path("holds")).isEmpty();
    // A target without reviewers holds nothing: nobody could approve it.
    StoredGrant lonely = grant("lonely", "OPS-7");
    assertThatThrownBy(
            () ->
                broker
                    .server()
                    .holds()
                    .forSession(lonely, "s-l")
                    .hold(new HoldRequest("exec", "ls", "r"))
                    .toCompletableFuture()
                    .join())
        .hasMessageContaining("has no reviewers");

    Holds.Hold hold = hold(g, "ls");
    JsonNode unknown =
        Json.mapper()
            .readTree(
                broker.send(
                    "POST",
                    "/v1/holds/" + hold.id() + "/approve",
                    "{\"comment\":\"ok\",\"approved\":true}",
                    "application/json",
                    bob));
    assertError(unknown, "unknown_field", "approved");
    assertError(
        Json.mapper()
            .readTree(
                broker.send(
                    "POST",
                    "/v1/holds/" + hold.id() + "/approve",
                    "{\"comment\":\"a\",\"comment\":\"b\"}",
                    "application/json",
                    bob)),
        "bad_request",
        "given more than once");
    assertError(
        post(broker, bob, "/v1/holds/" + hold.id() + "/deny", Map.of()),
        "reason_required",
        "reason");
    assertError(
        post(broker, bob, "/v1/holds/" + hold.id() + "/approve", Map.of("comment", "a\u001b[2Jb")),
        "bad_request",
        "control characters");
    assertError(get(broker, bob, "/v1/holds?scope=all"), "bad_request", "pending or mine");
    assertError(get(broker, bob, "/v1/holds/h-doesnotexist"), "unknown_hold", "h-doesnotexist");
    // Still pending after all that.
    assertThat(get(broker, bob, "/v1/holds/" + hold.id()).path("status").asText())
        .isEqualTo("PENDING");

    Run badId = hoop("bob", "approve", "h-\u001b[2J");
    assertThat(badId.code()).isEqualTo(2);
    assertThat(badId.err()).contains("not a held operation's id");
    assertNoTerminalControls(badId.err());
    Run revoke = hoop("bob", "revoke", hold.id(), "--reason", "x");
    assertThat(revoke.code()).isEqualTo(2);
    assertThat(revoke.err()).contains("hoop deny " + hold.id());
    Run noReason = hoop("bob", "deny", hold.id(), "--reason", " ");
    assertThat(noReason.code()).isEqualTo(2);
    hold.cancel();
  }

  // --- helpers ---

  /** An approved grant of alice's, as the tunnel authorizer finds it in the store. */
  static StoredGrant grant(String target, String task) throws Exception {
    JsonNode g = post(broker, alice, "/v1/grants", Map.of("target", target, "task", task));
    assertThat(g.path("status").asText()).as(g.toString()).isEqualTo("APPROVED");
    List<String> reviewerGroups =
        Json.mapper()
            .convertValue(
                g.path("reviewerGroups"),
                Json.mapper().getTypeFactory().constructCollectionType(List.class, String.class));
    return new StoredGrant(
        g.path("id").asText(),
        g.path("principal").asText(),
        target,
        "tcp",
        null,
        task,
        null,
        GrantStatus.APPROVED,
        g.path("decisionReason").asText(),
        Duration.ofHours(1),
        Instant.parse(g.path("requestedAt").asText()),
        Instant.parse(g.path("approvedAt").asText()),
        Instant.parse(g.path("expiresAt").asText()),
        null,
        null,
        reviewerGroups == null ? List.of() : reviewerGroups,
        0,
        null);
  }

  static StoredGrant withExpiry(StoredGrant g, Instant expiresAt) {
    return new StoredGrant(
        g.id(),
        g.principal(),
        g.target(),
        g.targetType(),
        g.role(),
        g.task(),
        g.reason(),
        g.status(),
        g.decisionReason(),
        g.duration(),
        g.requestedAt(),
        g.approvedAt(),
        expiresAt,
        g.decidedBy(),
        g.entitlementId(),
        g.reviewerGroups(),
        g.approvalsRequired(),
        g.pendingExpiresAt());
  }

  /**
   * Holds {@code operation} as an ssh session of {@code g} would, and waits until it is recorded.
   */
  static Holds.Hold hold(StoredGrant g, String operation) throws Exception {
    return broker
        .server()
        .holds()
        .forSession(g, "s-" + g.task())
        .hold(new HoldRequest("exec", operation, "roles.ops.exec.review[0]"))
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
  }

  static Decision decision(Holds.Hold hold) throws Exception {
    return hold.decision().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  static List<String> ids(JsonNode list) {
    return list.path("holds").findValuesAsText("id");
  }

  /** No ESC, BEL, CSI, bidi override or bare CR reached the terminal. */
  static void assertNoTerminalControls(String printed) {
    assertThat(printed.chars().filter(c -> c != '\n' && (Character.isISOControl(c) || c == 0x202e)))
        .as("raw control characters in: %s", printed)
        .isEmpty();
  }

  static Run hoop(String user, String... args) {
    return HoopCli.run(HoopCli.env(home.resolve(user)), null, args);
  }

  static void cliLogin(String user) {
    Run r =
        HoopCli.run(
            HoopCli.env(home.resolve(user)),
            new CodeApprover(broker, user, true),
            "login",
            "--broker",
            broker.url(),
            "--fingerprint",
            broker.fingerprint());
    assertThat(r.code()).as("login %s: %s", user, r.err()).isZero();
  }
}
