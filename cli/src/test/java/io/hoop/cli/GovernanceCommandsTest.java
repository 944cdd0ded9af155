package io.hoop.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hoop.api.Approval;
import io.hoop.api.Entitlement;
import io.hoop.api.EntitlementList;
import io.hoop.api.Grant;
import io.hoop.api.GrantList;
import io.hoop.api.GrantStatus;
import io.hoop.api.Json;
import io.hoop.cli.config.Credentials;
import io.hoop.cli.config.Profile;
import io.hoop.cli.config.ProfileStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The reviewer commands and the pending side of {@code hoop connect}, in-process against a fake
 * HTTPS broker: what is sent, what is printed, which exit code.
 */
class GovernanceCommandsTest extends FakeBrokerCase {
  private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);

  @BeforeEach
  void start() {
    env = Map.of("HOOP_CONFIG_DIR", tmp.resolve("cfg").toString(), "HOME", tmp.toString());
    ProfileStore store = new ProfileStore(tmp.resolve("cfg/profiles/default"), "default");
    store.saveProfile(new Profile(broker.url(), broker.fingerprint(), null, "https://idp", "cli"));
    store.saveCredentials(
        new Credentials("sess-token", Instant.now().plus(1, ChronoUnit.HOURS), "rt", "bob"));
  }

  static Grant grant(String id, GrantStatus status, int required, String... approvers) {
    List<Approval> approvals = new ArrayList<>();
    for (String a : approvers) {
      approvals.add(new Approval(a, NOW, null, 0));
    }
    boolean approved = status == GrantStatus.APPROVED;
    return new Grant(
        id,
        "prod-db",
        "postgres",
        null,
        "alice",
        "T-1",
        "slow orders",
        status,
        status == GrantStatus.PENDING ? "no entitlement covers alice" : null,
        NOW.minusSeconds(60),
        approved ? NOW : null,
        approved ? NOW.plusSeconds(1800) : null,
        null,
        approvers.length == 0 ? null : approvers[approvers.length - 1],
        approvals,
        required,
        List.of("reviewers", "dba"));
  }

  static String json(Object value) throws Exception {
    return Json.mapper().writeValueAsString(value);
  }

  private CliRunner.Result hoopInteractive(String stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    CliEnvironment interactive =
        new CliEnvironment(
            env,
            new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
            true,
            false,
            false,
            Clock.systemUTC(),
            false);
    int code =
        Hoop.run(
            interactive,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            args);
    return new CliRunner.Result(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private JsonNode lastBody() throws Exception {
    return Json.mapper().readTree(broker.requests.get(broker.requests.size() - 1).body());
  }

  @Test
  void requestsDefaultsToMineAndRendersApprovalsAsCountOverQuorum() throws Exception {
    broker.on(
        "GET /v1/grants",
        200,
        json(
            new GrantList(
                List.of(
                    grant("g-2", GrantStatus.PENDING, 2, "carol"),
                    grant("g-1", GrantStatus.APPROVED, 0)))));
    CliRunner.Result r = hoop("requests");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(broker.requests.get(0).path()).isEqualTo("/v1/grants?scope=mine");
    assertThat(r.out().lines().findFirst().orElseThrow())
        .matches(
            "ID\\s+TARGET\\s+REQUESTER\\s+TASK\\s+STATUS\\s+APPROVALS\\s+REQUESTED\\s+EXPIRES"
                + "\\s+REASON");
    assertThat(r.out())
        .containsPattern("g-2\\s+prod-db\\s+alice\\s+T-1\\s+pending\\s+1/2\\s+\\d{4}-.*slow orders")
        .containsPattern("g-1\\s+prod-db\\s+alice\\s+T-1\\s+approved\\s+-\\s+");

    // --pending also asks for held operations; a broker without them (404 here) lists none.
    assertThat(hoop("requests", "--pending").exitCode()).isZero();
    assertThat(broker.requests.get(1).path()).isEqualTo("/v1/grants?scope=pending");
    assertThat(broker.requests.get(2).path()).isEqualTo("/v1/holds?scope=pending");
    CliRunner.Result all = hoop("requests", "--all", "-o", "json");
    assertThat(broker.requests.get(3).path()).isEqualTo("/v1/grants?scope=all");
    JsonNode node = Json.mapper().readTree(all.out());
    assertThat(node.at("/grants/0/approvalsRequired").asInt()).isEqualTo(2);
    assertThat(node.at("/grants/0/approvals/0/approver").asText()).isEqualTo("carol");

    assertThat(hoop("requests", "--mine", "--all").exitCode()).isEqualTo(2);
  }

  @Test
  void approveSendsTheCommentAndSaysWhetherTheQuorumIsReached() throws Exception {
    broker.on(
        "POST /v1/grants/g-2/approve", 200, json(grant("g-2", GrantStatus.PENDING, 2, "bob")));
    CliRunner.Result partial = hoop("approve", "g-2", "--comment", "looks fine");
    assertThat(partial.exitCode()).as(partial.err()).isZero();
    assertThat(lastBody().get("comment").asText()).isEqualTo("looks fine");
    assertThat(partial.out())
        .isEqualTo(
            "approval recorded (1/2): g-2 for prod-db needs 1 more approval from reviewers, dba\n");

    broker.on(
        "POST /v1/grants/g-2/approve",
        200,
        json(grant("g-2", GrantStatus.APPROVED, 2, "carol", "bob")));
    CliRunner.Result done = hoop("approve", "g-2");
    assertThat(done.out())
        .startsWith("approved (2/2): g-2 for prod-db is now active until ")
        .contains("requested by alice, task T-1");
    JsonNode json = Json.mapper().readTree(hoop("approve", "g-2", "-o", "json").out());
    assertThat(json.get("status").asText()).isEqualTo("APPROVED");
  }

  @Test
  void refusedApprovalExits3WithTheBrokersMessage() {
    broker.on(
        "POST /v1/grants/g-3/approve",
        403,
        "{\"error\":{\"code\":\"forbidden\",\"message\":\"alice may not approve her own request"
            + " g-3\"}}");
    CliRunner.Result r = hoop("approve", "g-3");
    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.err()).isEqualTo("hoop: alice may not approve her own request g-3\n");
  }

  @Test
  void approveWithoutIdOutsideATerminalIsAUsageErrorListingThePendingIds() throws Exception {
    broker.on(
        "GET /v1/grants",
        200,
        json(
            new GrantList(
                List.of(
                    grant("g-5", GrantStatus.PENDING, 1), grant("g-6", GrantStatus.PENDING, 1)))));
    CliRunner.Result r = hoop("approve");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err())
        .isEqualTo(
            "hoop: missing request ID (no terminal to pick from); waiting for your approval:"
                + " g-5, g-6; run hoop approve ID\n");
    assertThat(broker.requests).extracting(FakeBroker.Request::method).containsOnly("GET");
  }

  @Test
  void approveWithoutIdInATerminalShowsTheListAndApprovesThePickedOne() throws Exception {
    broker.on(
        "GET /v1/grants",
        200,
        json(
            new GrantList(
                List.of(
                    grant("g-5", GrantStatus.PENDING, 1), grant("g-6", GrantStatus.PENDING, 1)))));
    broker.on(
        "POST /v1/grants/g-6/approve", 200, json(grant("g-6", GrantStatus.APPROVED, 1, "bob")));
    CliRunner.Result r = hoopInteractive("7\n2\n", "approve");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.err())
        .contains("Requests waiting for your approval:")
        .containsPattern("1\\s+g-5\\s+prod-db\\s+alice\\s+T-1\\s+0/1")
        .containsPattern("2\\s+g-6\\s+prod-db")
        .contains("Approve which request? [1-2, Enter to cancel]")
        .contains("'7' is not a number from the list or a request ID");
    assertThat(broker.requests.get(1).path()).isEqualTo("/v1/grants/g-6/approve");
    assertThat(r.out()).startsWith("approved (1/1): g-6 for prod-db is now active until ");

    broker.requests.clear();
    CliRunner.Result cancelled = hoopInteractive("\n", "approve");
    assertThat(cancelled.exitCode()).isEqualTo(1);
    assertThat(cancelled.err()).contains("nothing approved");
    assertThat(broker.requests).extracting(FakeBroker.Request::method).containsOnly("GET");
  }

  @Test
  void denyAndRevokeRequireAReasonAndSendIt() throws Exception {
    CliRunner.Result missing = hoop("deny", "g-2");
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.err()).contains("Missing required option: '--reason=TEXT'");
    assertThat(hoop("revoke", "g-2").exitCode()).isEqualTo(2);
    assertThat(hoop("deny", "g-2", "--reason", "  ").exitCode()).isEqualTo(2);
    assertThat(broker.requests).isEmpty();

    Grant denied = grant("g-2", GrantStatus.DENIED, 1, "bob");
    denied =
        new Grant(
            denied.id(),
            denied.target(),
            denied.targetType(),
            null,
            "alice",
            "T-1",
            null,
            GrantStatus.DENIED,
            "use the replica",
            denied.requestedAt(),
            null,
            null,
            null,
            "bob",
            List.of(),
            1,
            List.of("reviewers"));
    broker.on("POST /v1/grants/g-2/deny", 200, json(denied));
    CliRunner.Result deny = hoop("deny", "g-2", "--reason", "use the replica");
    assertThat(deny.exitCode()).isZero();
    assertThat(lastBody().get("reason").asText()).isEqualTo("use the replica");
    assertThat(deny.out())
        .isEqualTo("denied: g-2 for prod-db (requested by alice, task T-1): use the replica\n");

    broker.on(
        "POST /v1/grants/g-1/revoke",
        403,
        "{\"error\":{\"code\":\"forbidden\",\"message\":\"bob is not a reviewer of prod-db\"}}");
    CliRunner.Result revoke = hoop("revoke", "g-1", "--reason", "incident over");
    assertThat(revoke.exitCode()).isEqualTo(3);
    assertThat(revoke.err()).isEqualTo("hoop: bob is not a reviewer of prod-db\n");
    assertThat(lastBody().get("reason").asText()).isEqualTo("incident over");
  }

  private static Entitlement entitlement(String id, Instant reviewedAt, Instant expires) {
    return new Entitlement(
        id,
        null,
        "engineering",
        "prod-db",
        List.of(),
        3600,
        "active",
        reviewedAt == null ? null : "bob",
        reviewedAt,
        expires,
        null);
  }

  @Test
  void reviewListMarksStaleReviews() throws Exception {
    broker.on(
        "GET /v1/reviews",
        200,
        json(
            new EntitlementList(
                List.of(
                    entitlement("e-1", NOW.minusSeconds(86400), NOW.plusSeconds(86400 * 30)),
                    entitlement("e-2", NOW.minusSeconds(86400 * 100), NOW.minusSeconds(86400 * 3)),
                    entitlement("e-3", null, null)))));
    CliRunner.Result r = hoop("review", "list");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(broker.requests.get(0).path()).isEqualTo("/v1/reviews");
    assertThat(r.out().lines().findFirst().orElseThrow())
        .matches(
            "ID\\s+SUBJECT\\s+TARGET\\s+MAX\\s+REVIEWED-BY\\s+REVIEWED-AT\\s+EXPIRES\\s+STATUS");
    assertThat(r.out())
        .containsPattern("e-1\\s+group engineering\\s+prod-db\\s+1h\\s+bob\\s+.*current")
        .containsPattern("e-2\\s+.*STALE \\(expired 3d ago\\)")
        .containsPattern(
            "e-3\\s+group engineering\\s+prod-db\\s+1h\\s+-\\s+-\\s+-\\s+STALE \\(never");

    hoop("review", "list", "--due");
    assertThat(broker.requests.get(1).path()).isEqualTo("/v1/reviews?due=true");
    JsonNode json = Json.mapper().readTree(hoop("review", "list", "-o", "json").out());
    assertThat(json.at("/entitlements/1/id").asText()).isEqualTo("e-2");
  }

  @Test
  void reviewCertifySendsTheDeadlineAndComment() throws Exception {
    broker.on(
        "POST /v1/reviews/e-2/certify",
        200,
        json(entitlement("e-2", NOW, Instant.parse("2099-04-01T00:00:00Z"))));
    CliRunner.Result r =
        hoop("review", "certify", "e-2", "--until", "2099-03-31", "--comment", "still on call");
    assertThat(r.exitCode()).as(r.err()).isZero();
    JsonNode body = lastBody();
    assertThat(body.get("until").asText()).isEqualTo("2099-04-01T00:00:00Z");
    assertThat(body.get("comment").asText()).isEqualTo("still on call");
    assertThat(r.out())
        .startsWith("certified: e-2 (group engineering on prod-db) reviewed by bob, current until");

    hoop("review", "certify", "e-2", "--until", "2099-03-31T12:00:00Z", "--comment", "x");
    assertThat(lastBody().get("until").asText()).isEqualTo("2099-03-31T12:00:00Z");
    hoop("review", "certify", "e-2", "--comment", "default period");
    assertThat(lastBody().path("until").isMissingNode()).isTrue();

    int sent = broker.requests.size();
    assertThat(hoop("review", "certify", "e-2", "--until", "2099-03-31").exitCode()).isEqualTo(2);
    CliRunner.Result badDate =
        hoop("review", "certify", "e-2", "--until", "31/03/2099", "--comment", "x");
    assertThat(badDate.exitCode()).isEqualTo(2);
    assertThat(badDate.err()).contains("invalid date '31/03/2099': expected YYYY-MM-DD");
    CliRunner.Result past =
        hoop("review", "certify", "e-2", "--until", "2020-01-01", "--comment", "x");
    assertThat(past.exitCode()).isEqualTo(2);
    assertThat(past.err()).contains("is in the past");
    assertThat(broker.requests).hasSize(sent);
  }

  @Test
  void reviewRevokeRequiresAReason() throws Exception {
    assertThat(hoop("review", "revoke", "e-2").exitCode()).isEqualTo(2);
    Entitlement revoked =
        new Entitlement(
            "e-2", "dave", null, "prod-db", List.of(), 3600, "revoked", null, null, null, null);
    broker.on("POST /v1/reviews/e-2/revoke", 200, json(revoked));
    CliRunner.Result r = hoop("review", "revoke", "e-2", "--reason", "left the team");
    assertThat(r.exitCode()).isZero();
    assertThat(lastBody().get("reason").asText()).isEqualTo("left the team");
    assertThat(r.out())
        .isEqualTo(
            "revoked: e-2 (user dave on prod-db): left the team; its live grants are revoked\n");
    assertThat(hoop("review").exitCode()).isEqualTo(2);
  }

  @Test
  void reviewSubcommandsHaveHelpWithExamples() {
    for (String sub : new String[] {"list", "certify", "revoke"}) {
      CliRunner.Result r = hoop("review", sub, "--help");
      assertThat(r.exitCode()).as(sub).isZero();
      assertThat(r.out()).as(sub).contains("Examples:").contains("--profile");
    }
  }

  @Test
  void connectNoWaitPrintsTheRequestIdAndExits4() throws Exception {
    broker.on("POST /v1/grants", 200, json(grant("g-9", GrantStatus.PENDING, 2, "carol")));
    CliRunner.Result r = hoop("connect", "prod-db", "--task", "T-1", "--no-wait");
    assertThat(r.exitCode()).isEqualTo(4);
    assertThat(r.out()).isEqualTo("g-9\n");
    assertThat(r.err())
        .contains("Request g-9 for prod-db (task T-1) is pending approval: no entitlement covers")
        .contains("needs 1 more approval (1/2) from a member of: reviewers, dba")
        .contains("hoop approve g-9")
        .contains("resume with: hoop connect --request g-9");

    CliRunner.Result json = hoop("connect", "prod-db", "--task", "T-1", "--no-wait", "-o", "json");
    assertThat(json.exitCode()).isEqualTo(4);
    JsonNode node = Json.mapper().readTree(json.out());
    assertThat(node.get("requestId").asText()).isEqualTo("g-9");
    assertThat(node.at("/grant/status").asText()).isEqualTo("PENDING");
  }

  @Test
  void connectWaitsWhilePendingAndExits3WhenAReviewerDenies() throws Exception {
    broker.on("POST /v1/grants", 200, json(grant("g-10", GrantStatus.PENDING, 1)));
    Grant denied =
        new Grant(
            "g-10",
            "prod-db",
            "postgres",
            null,
            "alice",
            "T-1",
            null,
            GrantStatus.DENIED,
            "not during the freeze",
            NOW,
            null,
            null,
            null,
            "bob",
            List.of(),
            1,
            List.of("reviewers"));
    broker.on("GET /v1/grants/g-10", 200, json(denied));
    long start = System.nanoTime();
    CliRunner.Result r = hoop("connect", "prod-db", "--task", "T-1");
    long waitedMillis = (System.nanoTime() - start) / 1_000_000;
    assertThat(r.exitCode()).as(r.err()).isEqualTo(3);
    assertThat(r.err())
        .contains("Waiting for approval (0/1)...")
        .endsWith("hoop: request g-10 for prod-db denied by bob: not during the freeze\n")
        .doesNotContain("\r");
    assertThat(waitedMillis).isGreaterThanOrEqualTo(1900);
    // A denied request is over: nothing to release.
    assertThat(broker.requests)
        .extracting(FakeBroker.Request::path)
        .containsExactly("/v1/grants/reuse", "/v1/grants", "/v1/grants/g-10");
  }

  @Test
  void connectRequestResumesWithoutAskingAgain() throws Exception {
    Grant timedOut =
        new Grant(
            "g-11",
            "prod-db",
            "postgres",
            null,
            "alice",
            "T-1",
            null,
            GrantStatus.EXPIRED,
            "nobody approved within 1h",
            NOW,
            null,
            null,
            null,
            null,
            List.of(),
            1,
            List.of("reviewers"));
    broker.on("GET /v1/grants/g-11", 200, json(timedOut));
    CliRunner.Result r = hoop("connect", "--request", "g-11", "--", "true");
    assertThat(r.exitCode()).isEqualTo(4);
    assertThat(r.err()).contains("request g-11 for prod-db timed out");
    assertThat(broker.requests).extracting(FakeBroker.Request::method).containsOnly("GET");

    CliRunner.Result other = hoop("connect", "other-db", "--request", "g-11");
    assertThat(other.exitCode()).isEqualTo(2);
    assertThat(other.err()).contains("request g-11 is for target prod-db, not other-db");
  }

  @Test
  void connectNeedsATaskUnlessItResumesARequest() {
    CliRunner.Result noTask = hoop("connect", "prod-db");
    assertThat(noTask.exitCode()).isEqualTo(2);
    assertThat(noTask.err()).contains("missing --task ID").contains("--request ID");
    CliRunner.Result noTarget = hoop("connect", "--task", "T-1");
    assertThat(noTarget.exitCode()).isEqualTo(2);
    assertThat(noTarget.err()).contains("missing TARGET");
    CliRunner.Result both = hoop("connect", "--request", "g-1", "--task", "T-2");
    assertThat(both.exitCode()).isEqualTo(2);
    assertThat(both.err()).contains("--request resumes request g-1");
    assertThat(broker.requests).isEmpty();
  }
}
