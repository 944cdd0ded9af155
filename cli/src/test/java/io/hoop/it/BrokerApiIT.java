package io.hoop.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hoop.api.AuditEvent;
import io.hoop.api.Json;
import io.hoop.testkit.BrokerFixture;
import io.hoop.tunnel.tls.Tls;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hostile and broken requests against the broker's HTTP API and dev IdP on a real in-process
 * broker: each gets its documented status and error code, no error echoes a credential, and the
 * broker keeps serving afterwards.
 */
class BrokerApiIT {
  static BrokerFixture broker;
  static HttpClient http;
  static String alice;
  static String bob;
  static String aliceIdToken;
  static String foreignSession;
  static String foreignIdToken;
  static String aliceGrantId;
  static String aliceGrantToken;

  @BeforeAll
  static void start() throws Exception {
    String config =
        """
        devIdp:
          pollInterval: 1s
          users:
            - username: alice
              groups: [engineering]
            - username: bob
              groups: [engineering]
        targets:
          - name: db
            type: tcp
            address: 127.0.0.1:5432
            maxDuration: 8h
          - name: vault
            type: tcp
            address: 127.0.0.1:8200
        entitlements:
          - group: engineering
            targets: [db]
            maxDuration: 1h
        """;
    // A second broker has its own signing key and its own dev IdP key: its tokens look right
    // but must never be accepted by the first.
    try (BrokerFixture other = BrokerFixture.start(config)) {
      foreignSession = other.login("alice");
      foreignIdToken = idToken(other, "alice");
    }
    broker = BrokerFixture.start(config);
    http =
        HttpClient.newBuilder()
            .sslContext(Tls.jdkClientPinned(broker.fingerprint()))
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    alice = broker.login("alice");
    bob = broker.login("bob");
    aliceIdToken = idToken(broker, "alice");
    Reply g = grant(alice, "{\"target\":\"db\",\"task\":\"OPS-42\",\"durationSeconds\":600}");
    assertThat(g.status()).as(g.body()).isEqualTo(200);
    aliceGrantId = g.json().path("id").asText();
    aliceGrantToken = g.json().path("token").asText();
    assertThat(aliceGrantToken).isNotBlank();
  }

  @AfterAll
  static void stop() throws Exception {
    if (broker != null) {
      broker.close();
    }
  }

  // ---------------------------------------------------------------- authentication

  static Stream<Arguments> authedEndpoints() {
    return Stream.of(
        Arguments.of("GET", "/v1/whoami", null),
        Arguments.of("GET", "/v1/targets", null),
        Arguments.of(
            "POST", "/v1/grants", "{\"target\":\"db\",\"task\":\"OPS-1\",\"durationSeconds\":60}"),
        Arguments.of("GET", "/v1/grants/{alice}", null),
        Arguments.of("GET", "/v1/audit", null));
  }

  @ParameterizedTest(name = "{0} {1} without Authorization")
  @MethodSource("authedEndpoints")
  void noAuthorizationIs401(String method, String path, String body) throws Exception {
    assertUnauthenticated(call(method, resolve(path), body, null), null);
    assertStillServes();
  }

  @ParameterizedTest(name = "{0} {1} with Bearer garbage")
  @MethodSource("authedEndpoints")
  void garbageBearerIs401(String method, String path, String body) throws Exception {
    assertUnauthenticated(call(method, resolve(path), body, "Bearer garbage"), "garbage");
    assertStillServes();
  }

  @ParameterizedTest(name = "{0} {1} with another broker's session token")
  @MethodSource("authedEndpoints")
  void sessionFromAnotherBrokerIs401(String method, String path, String body) throws Exception {
    assertUnauthenticated(
        call(method, resolve(path), body, "Bearer " + foreignSession), foreignSession);
    assertStillServes();
  }

  @ParameterizedTest(name = "{0} {1} with a dev IdP ID token as bearer")
  @MethodSource("authedEndpoints")
  void idTokenAsBearerIs401(String method, String path, String body) throws Exception {
    assertUnauthenticated(
        call(method, resolve(path), body, "Bearer " + aliceIdToken), aliceIdToken);
    assertStillServes();
  }

  @ParameterizedTest(name = "{0} {1} with a grant token as bearer")
  @MethodSource("authedEndpoints")
  void grantTokenAsBearerIs401(String method, String path, String body) throws Exception {
    assertUnauthenticated(
        call(method, resolve(path), body, "Bearer " + aliceGrantToken), aliceGrantToken);
    assertStillServes();
  }

  @ParameterizedTest(name = "{0} {1} with Basic credentials")
  @MethodSource("authedEndpoints")
  void basicSchemeIs401(String method, String path, String body) throws Exception {
    String basic =
        Base64.getEncoder().encodeToString("alice:secret".getBytes(StandardCharsets.UTF_8));
    assertUnauthenticated(call(method, resolve(path), body, "Basic " + basic), basic);
    assertStillServes();
  }

  @Test
  void unauthenticatedGrantRequestStoresNothing() throws Exception {
    call(
        "POST",
        "/v1/grants",
        "{\"target\":\"db\",\"task\":\"NOAUTH-1\",\"durationSeconds\":60}",
        "Bearer garbage");
    assertThat(allEvents()).noneMatch(e -> "NOAUTH-1".equals(e.task()));
  }

  // ---------------------------------------------------------------- POST /v1/auth/session

  @Test
  void sessionWithEmptyBodyIs400() throws Exception {
    Reply r = call("POST", "/v1/auth/session", "", null);
    assertError(r, 400, "bad_request");
    assertStillServes();
  }

  @Test
  void sessionWithEmptyObjectIs400() throws Exception {
    Reply r = call("POST", "/v1/auth/session", "{}", null);
    assertError(r, 400, "bad_request");
    assertThat(r.message()).contains("idToken");
    assertStillServes();
  }

  @Test
  void sessionWithNumericIdTokenIsRefused() throws Exception {
    Reply r = call("POST", "/v1/auth/session", "{\"idToken\": 5}", null);
    // Jackson may coerce 5 to "5" (then it is not a JWT) or refuse the type; both are refusals.
    assertThat(r.status()).as(r.body()).isIn(400, 401);
    assertThat(r.code()).isIn("bad_request", "invalid_id_token");
    assertThat(r.body()).doesNotContain("sessionToken");
    assertStillServes();
  }

  @Test
  void sessionWithTruncatedJsonIs400WithoutEchoingTheToken() throws Exception {
    Reply r = call("POST", "/v1/auth/session", "{\"idToken\": \"" + aliceIdToken, null);
    assertError(r, 400, "bad_request");
    assertNoEcho(r, aliceIdToken);
    assertStillServes();
  }

  @Test
  void sessionWithUnquotedTokenIs400WithoutEchoingTheToken() throws Exception {
    // A script that forgets the quotes around $TOKEN: the JSON parser names the bad token.
    Reply r = call("POST", "/v1/auth/session", "{\"idToken\": " + aliceIdToken + "}", null);
    assertError(r, 400, "bad_request");
    assertNoEcho(r, aliceIdToken);
    assertStillServes();
  }

  @Test
  void sessionWithTwoMegabyteBodyIs413() throws Exception {
    String big = "{\"idToken\":\"" + "a".repeat(2 * 1024 * 1024) + "\"}";
    Reply r = call("POST", "/v1/auth/session", big, null);
    assertThat(r.status()).as(r.body()).isEqualTo(413);
    assertStillServes();
  }

  @Test
  void idTokenFromAnotherIdpIs401() throws Exception {
    Reply r = call("POST", "/v1/auth/session", sessionBody(foreignIdToken), null);
    assertError(r, 401, "invalid_id_token");
    assertThat(r.hint()).contains("hoop login");
    assertNoEcho(r, foreignIdToken);
    assertStillServes();
  }

  @Test
  void tamperedIdTokenIs401() throws Exception {
    String[] parts = aliceIdToken.split("\\.");
    String payload =
        new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
            .replace("\"alice\"", "\"bob\"");
    assertThat(payload).contains("\"bob\"");
    String tampered =
        parts[0]
            + "."
            + Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(payload.getBytes(StandardCharsets.UTF_8))
            + "."
            + parts[2];
    long bobLogins = logins("bob");
    Reply r = call("POST", "/v1/auth/session", sessionBody(tampered), null);
    assertError(r, 401, "invalid_id_token");
    assertNoEcho(r, tampered);
    assertThat(r.body()).doesNotContain("sessionToken");
    assertThat(logins("bob")).as("no login recorded for the forged name").isEqualTo(bobLogins);
    assertStillServes();
  }

  @Test
  void garbageIdTokenIs401WithoutEcho() throws Exception {
    String garbage = "not-a-jwt-" + "x".repeat(40);
    Reply r = call("POST", "/v1/auth/session", sessionBody(garbage), null);
    assertError(r, 401, "invalid_id_token");
    assertNoEcho(r, garbage);
    assertStillServes();
  }

  // ---------------------------------------------------------------- POST /v1/grants

  @Test
  void grantWithoutTargetIs400() throws Exception {
    Reply r = grant(alice, "{\"task\":\"OPS-1\",\"durationSeconds\":0}");
    assertError(r, 400, "bad_request");
    assertThat(r.message()).contains("target");
    assertStillServes();
  }

  @Test
  void grantWithoutTaskIsTaskRequired() throws Exception {
    Reply r = grant(alice, "{\"target\":\"db\",\"durationSeconds\":0}");
    assertError(r, 400, "task_required");
    assertThat(r.hint()).contains("--task");
    assertStillServes();
  }

  @Test
  void grantWithBlankTaskIsTaskRequired() throws Exception {
    assertError(
        grant(alice, "{\"target\":\"db\",\"task\":\"   \",\"durationSeconds\":0}"),
        400,
        "task_required");
    assertStillServes();
  }

  static Stream<String> badTasks() {
    return Stream.of(
        "OPS 42",
        "A".repeat(200),
        "OPS-42\u0000",
        "OPS-42\nforged: line",
        "OPS-\u001b[31m42",
        "'; drop table grants; --",
        "-leading-dash");
  }

  @ParameterizedTest(name = "task {index} is bad_task")
  @MethodSource("badTasks")
  void badTaskIsRefusedAndNotStored(String task) throws Exception {
    Reply r =
        grant(
            alice,
            Json.mapper()
                .writeValueAsString(Map.of("target", "db", "task", task, "durationSeconds", 0)));
    assertError(r, 400, "bad_task");
    assertThat(allEvents()).noneMatch(e -> task.equals(e.task()));
    assertStillServes();
  }

  @ParameterizedTest(name = "durationSeconds {0} is bad_duration")
  @ValueSource(longs = {-1, -3600, 31L * 24 * 3600, Long.MAX_VALUE, Long.MIN_VALUE})
  void badDurationIsRefused(long seconds) throws Exception {
    Reply r =
        grant(alice, "{\"target\":\"db\",\"task\":\"OPS-1\",\"durationSeconds\":" + seconds + "}");
    assertError(r, 400, "bad_duration");
    assertStillServes();
  }

  @Test
  void nonNumericDurationIs400() throws Exception {
    Reply r = grant(alice, "{\"target\":\"db\",\"task\":\"OPS-1\",\"durationSeconds\":\"10h\"}");
    assertError(r, 400, "bad_request");
    assertStillServes();
  }

  @Test
  void fiveThousandCharacterReasonIs400() throws Exception {
    String body =
        Json.mapper()
            .writeValueAsString(
                Map.of(
                    "target",
                    "db",
                    "task",
                    "OPS-1",
                    "durationSeconds",
                    0,
                    "reason",
                    "r".repeat(5000)));
    Reply r = grant(alice, body);
    assertError(r, 400, "bad_request");
    assertThat(r.message()).contains("reason").contains("1000");
    assertStillServes();
  }

  @Test
  void unknownTargetIs404WithHint() throws Exception {
    Reply r = grant(alice, "{\"target\":\"nope\",\"task\":\"OPS-1\",\"durationSeconds\":0}");
    assertError(r, 404, "unknown_target");
    assertThat(r.message()).contains("nope");
    assertThat(r.hint()).contains("hoop targets");
    assertStillServes();
  }

  @Test
  void targetWithoutEntitlementIsDeniedNamingTheCaller() throws Exception {
    Reply r = grant(alice, "{\"target\":\"vault\",\"task\":\"OPS-7\",\"durationSeconds\":0}");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    JsonNode g = r.json();
    assertThat(g.path("status").asText()).isEqualTo("DENIED");
    assertThat(g.path("decisionReason").asText()).contains("alice").contains("vault");
    assertThat(g.has("token")).as("a denied grant carries no token").isFalse();
    assertThat(g.has("expiresAt")).isFalse();
    assertThat(allEvents())
        .anyMatch(
            e ->
                "grant.denied".equals(e.type())
                    && "alice".equals(e.principal())
                    && g.path("id").asText().equals(e.grantId()));
    // Targets the caller may not request are not listed either.
    Reply targets = call("GET", "/v1/targets", null, "Bearer " + alice);
    assertThat(targets.json().path("targets").findValuesAsText("name")).containsExactly("db");
    assertStillServes();
  }

  @Test
  void jsonArrayInsteadOfObjectIs400() throws Exception {
    Reply r = grant(alice, "[{\"target\":\"db\",\"task\":\"OPS-1\"}]");
    assertError(r, 400, "bad_request");
    assertStillServes();
  }

  @Test
  void grantWithoutDurationGetsTheTargetDefault() throws Exception {
    // GrantRequest documents durationSeconds 0 as "the target's default", so leaving it out of the
    // JSON must mean the same thing rather than fail on a Jackson primitive-null rule.
    Instant before = Instant.now();
    Reply r = grant(alice, "{\"target\":\"db\",\"task\":\"OPS-3\"}");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.json().path("status").asText()).isEqualTo("APPROVED");
    assertThat(Instant.parse(r.json().path("expiresAt").asText()))
        .isBetween(
            before.plus(Duration.ofHours(1)).minusSeconds(5),
            Instant.now().plus(Duration.ofHours(1)).plusSeconds(5));
    assertStillServes();
  }

  @Test
  void durationIsCappedByTheEntitlement() throws Exception {
    Instant before = Instant.now();
    Reply r = grant(alice, "{\"target\":\"db\",\"task\":\"OPS-9\",\"durationSeconds\":36000}");
    Instant after = Instant.now();
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    JsonNode g = r.json();
    assertThat(g.path("status").asText()).isEqualTo("APPROVED");
    assertThat(g.path("decisionReason").asText()).contains("capped");
    assertThat(g.path("token").asText()).isNotBlank();
    Instant expires = Instant.parse(g.path("expiresAt").asText());
    assertThat(expires)
        .isBetween(
            before.plus(Duration.ofHours(1)).minusSeconds(5),
            after.plus(Duration.ofHours(1)).plusSeconds(5));
    assertStillServes();
  }

  // ---------------------------------------------------------------- GET /v1/grants/{id}

  @Test
  void ownGrantIsVisibleWithoutToken() throws Exception {
    Reply r = call("GET", "/v1/grants/" + aliceGrantId, null, "Bearer " + alice);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.json().path("id").asText()).isEqualTo(aliceGrantId);
    assertThat(r.json().path("task").asText()).isEqualTo("OPS-42");
    assertThat(r.json().path("status").asText()).isEqualTo("APPROVED");
    assertThat(r.json().has("token")).isFalse();
    assertThat(r.body()).doesNotContain(aliceGrantToken);
    assertStillServes();
  }

  @Test
  void someoneElsesGrantIs404() throws Exception {
    Reply r = call("GET", "/v1/grants/" + aliceGrantId, null, "Bearer " + bob);
    assertError(r, 404, "unknown_grant");
    assertThat(r.body()).doesNotContain("OPS-42").doesNotContain("\"alice\"");
    assertStillServes();
  }

  @Test
  void unknownGrantIs404() throws Exception {
    Reply r = call("GET", "/v1/grants/g-000000000000", null, "Bearer " + alice);
    assertError(r, 404, "unknown_grant");
    assertStillServes();
  }

  // ---------------------------------------------------------------- GET /v1/audit

  @ParameterizedTest(name = "GET /v1/audit?{0} is 400")
  @ValueSource(
      strings = {
        "limit=0",
        "limit=-5",
        "limit=100000",
        "limit=abc",
        "limit=4294967297",
        "after=abc",
        "after=99999999999999999999"
      })
  void badAuditParametersAre400(String query) throws Exception {
    Reply r = call("GET", "/v1/audit?" + query, null, "Bearer " + alice);
    assertError(r, 400, "bad_request");
    assertStillServes();
  }

  @Test
  void negativeAfterStartsFromTheBeginning() throws Exception {
    Reply r = call("GET", "/v1/audit?after=-1", null, "Bearer " + alice);
    if (r.status() == 400) {
      assertThat(r.code()).isEqualTo("bad_request");
    } else {
      assertThat(r.status()).as(r.body()).isEqualTo(200);
      Reply fromZero = call("GET", "/v1/audit?after=0", null, "Bearer " + alice);
      assertThat(seqs(r)).isNotEmpty().isEqualTo(seqs(fromZero));
    }
    assertStillServes();
  }

  @Test
  void limitBoundsAreHonoured() throws Exception {
    Reply one = call("GET", "/v1/audit?limit=1", null, "Bearer " + alice);
    assertThat(one.status()).as(one.body()).isEqualTo(200);
    assertThat(seqs(one)).hasSize(1);
    Reply max = call("GET", "/v1/audit?limit=1000", null, "Bearer " + alice);
    assertThat(max.status()).as(max.body()).isEqualTo(200);
    Reply next =
        call("GET", "/v1/audit?after=" + seqs(one).get(0) + "&limit=1000", null, "Bearer " + alice);
    assertThat(seqs(next)).doesNotContain(seqs(one).get(0)).allMatch(s -> s > seqs(one).get(0));
    assertStillServes();
  }

  @Test
  void bobSeesNoneOfAlicesEvents() throws Exception {
    Reply r = call("GET", "/v1/audit?limit=1000", null, "Bearer " + bob);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    List<JsonNode> events = new ArrayList<>();
    r.json().path("events").forEach(events::add);
    assertThat(events).isNotEmpty();
    assertThat(events).allMatch(e -> "bob".equals(e.path("principal").asText()));
    // Bob's own refused probe of alice's grant id is his record; nothing of alice's is shown.
    assertThat(events)
        .filteredOn(e -> !e.path("type").asText().equals("request.refused"))
        .allSatisfy(e -> assertThat(e.toString()).doesNotContain(aliceGrantId));
    assertThat(r.body()).doesNotContain("OPS-42");
    Reply byTask = call("GET", "/v1/audit?task=OPS-42", null, "Bearer " + bob);
    assertThat(byTask.json().path("events").size()).isZero();
    assertStillServes();
  }

  @Test
  void aliceSeesHerLoginAndGrantWithTask() throws Exception {
    Reply r = call("GET", "/v1/audit?limit=1000", null, "Bearer " + alice);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    List<JsonNode> events = new ArrayList<>();
    r.json().path("events").forEach(events::add);
    assertThat(events).allMatch(e -> "alice".equals(e.path("principal").asText()));
    assertThat(events).anyMatch(e -> "login".equals(e.path("type").asText()));
    assertThat(events)
        .anyMatch(
            e ->
                "grant.approved".equals(e.path("type").asText())
                    && aliceGrantId.equals(e.path("grantId").asText())
                    && "OPS-42".equals(e.path("task").asText())
                    && "db".equals(e.path("target").asText()));
    List<Long> s = seqs(r);
    assertThat(s).isSorted().doesNotHaveDuplicates();
    assertStillServes();
  }

  // ---------------------------------------------------------------- routing and HTTP framing

  @Test
  void unknownPathIs404() throws Exception {
    assertError(call("GET", "/v1/nope", null, "Bearer " + alice), 404, "not_found");
    assertError(call("GET", "/", null, null), 404, "not_found");
    assertError(call("GET", "/v1/grants/", null, "Bearer " + alice), 404, "not_found");
    assertStillServes();
  }

  @Test
  void wrongMethodIs405() throws Exception {
    assertError(call("DELETE", "/v1/whoami", null, "Bearer " + alice), 405, "method_not_allowed");
    assertError(call("GET", "/v1/auth/session", null, null), 405, "method_not_allowed");
    assertError(call("PUT", "/v1/grants", "{}", "Bearer " + alice), 405, "method_not_allowed");
    assertError(
        call("DELETE", "/v1/grants/" + aliceGrantId, null, "Bearer " + alice),
        405,
        "method_not_allowed");
    assertStillServes();
  }

  @Test
  void twentyKilobyteHeaderIsA4xx() throws Exception {
    try (RawHttp raw = new RawHttp(broker.port(), broker.fingerprint())) {
      raw.write(
          "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: "
              + "h".repeat(20 * 1024)
              + "\r\n\r\n");
      RawHttp.Response r = raw.read();
      assertThat(r.status()).as(r.body()).isBetween(400, 499);
    }
    assertStillServes();
  }

  @Test
  void pipelinedHealthChecksAreBothAnswered() throws Exception {
    try (RawHttp raw = new RawHttp(broker.port(), broker.fingerprint())) {
      String req = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
      raw.write(req + req);
      for (int i = 0; i < 2; i++) {
        RawHttp.Response r = raw.read();
        assertThat(r.status()).isEqualTo(200);
        assertThat(Json.mapper().readTree(r.body()).path("status").asText()).isEqualTo("ok");
      }
      raw.write(req);
      assertThat(raw.read().status()).as("connection kept alive").isEqualTo(200);
    }
    assertStillServes();
  }

  @Test
  void pipelinedRequestsAreAnsweredInOrder() throws Exception {
    // Each 404 names its path, so the order of the answers is visible; an audit query (a store
    // round trip) goes first so a fast answer has the chance to overtake a slow one.
    try (RawHttp raw = new RawHttp(broker.port(), broker.fingerprint())) {
      for (int round = 0; round < 3; round++) {
        StringBuilder batch = new StringBuilder();
        batch.append(
            "GET /v1/audit?limit=1000 HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: DPoP "
                + alice
                + "\r\nDPoP: "
                + broker.proof("GET", broker.url() + "/v1/audit", alice)
                + "\r\n\r\n");
        for (int i = 0; i < 15; i++) {
          batch.append("GET /order/" + round + "-" + i + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        }
        raw.write(batch.toString());
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
          RawHttp.Response r = raw.read();
          JsonNode j = Json.mapper().readTree(r.body());
          seen.add(r.status() + " " + j.path("error").path("message").asText("audit"));
        }
        List<String> expected = new ArrayList<>();
        expected.add("200 audit");
        for (int i = 0; i < 15; i++) {
          expected.add("404 no such endpoint /order/" + round + "-" + i);
        }
        assertThat(seen).as("responses to pipelined requests, round " + round).isEqualTo(expected);
      }
    }
    assertStillServes();
  }

  // ---------------------------------------------------------------- dev IdP over HTTPS

  @Test
  void discoveryEndpointsAllPointAtTheBroker() throws Exception {
    Reply r = call("GET", "/dev-idp/.well-known/openid-configuration", null, null);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    JsonNode d = r.json();
    assertThat(d.path("issuer").asText()).isEqualTo(broker.url() + "/dev-idp");
    List<String> urls = new ArrayList<>();
    for (Map.Entry<String, JsonNode> f : d.properties()) {
      if (f.getKey().equals("issuer")
          || f.getKey().endsWith("_endpoint")
          || f.getKey().endsWith("_uri")) {
        urls.add(f.getValue().asText());
      }
    }
    assertThat(urls).hasSizeGreaterThanOrEqualTo(4).allMatch(u -> u.startsWith(broker.url() + "/"));
    // And they are real: the JWKS one serves a key over the same pinned TLS.
    String jwksPath = d.path("jwks_uri").asText().substring(broker.url().length());
    Reply jwks = call("GET", jwksPath, null, null);
    assertThat(jwks.status()).isEqualTo(200);
    assertThat(jwks.json().path("keys").size()).isPositive();
    assertThat(jwks.body()).doesNotContain("\"d\"");
    assertStillServes();
  }

  @Test
  void tokenEndpointWithoutParametersIsInvalidRequest() throws Exception {
    Reply r = call("POST", "/dev-idp/token", "", "application/x-www-form-urlencoded", null);
    assertThat(r.status()).as(r.body()).isEqualTo(400);
    assertThat(r.json().path("error").asText()).isEqualTo("invalid_request");
    assertThat(r.headers().firstValue("cache-control")).hasValue("no-store");
    assertStillServes();
  }

  @Test
  void verificationPageEscapesAScriptUsername() throws Exception {
    String script = "<script>alert(1)</script>";
    String form =
        "user_code=ABCD-EFGH&action=approve&username="
            + URLEncoder.encode(script, StandardCharsets.UTF_8);
    Reply r = call("POST", "/dev-idp/device", form, "application/x-www-form-urlencoded", null);
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("text/html");
    assertThat(r.body()).doesNotContain(script).contains("&lt;script&gt;alert(1)&lt;/script&gt;");
    assertStillServes();
  }

  @Test
  void verificationPageEscapesAScriptUserCode() throws Exception {
    String script = "<script>alert(1)</script>";
    String encoded = URLEncoder.encode(script, StandardCharsets.UTF_8);
    Reply posted =
        call(
            "POST",
            "/dev-idp/device",
            "action=deny&user_code=" + encoded,
            "application/x-www-form-urlencoded",
            null);
    assertThat(posted.status()).isEqualTo(400);
    assertThat(posted.body()).doesNotContain(script).contains("&lt;script&gt;");
    Reply page = call("GET", "/dev-idp/device?user_code=" + encoded, null, null);
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.body()).doesNotContain(script).contains("&lt;script&gt;");
    assertStillServes();
  }

  // ---------------------------------------------------------------- helpers

  /** One HTTP answer with its status; {@link #json} parses the body. */
  record Reply(int status, HttpHeaders headers, String body) {
    JsonNode json() {
      try {
        return Json.mapper().readTree(body);
      } catch (IOException e) {
        throw new AssertionError("body is not JSON: " + body, e);
      }
    }

    String code() {
      return json().path("error").path("code").asText(null);
    }

    String message() {
      return json().path("error").path("message").asText("");
    }

    String hint() {
      return json().path("error").path("hint").asText("");
    }
  }

  private static Reply call(String method, String path, String body, String authorization)
      throws IOException {
    return call(method, path, body, body == null ? null : "application/json", authorization);
  }

  private static Reply call(
      String method, String path, String body, String contentType, String authorization)
      throws IOException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(broker.url() + path)).timeout(Duration.ofSeconds(20));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    // As the CLI does: bound sessions go with a DPoP proof, logins carry one.
    if (authorization != null && authorization.startsWith("Bearer ")) {
      broker.authorize(b, method, path, authorization.substring(7));
    } else if (authorization != null) {
      b.header("Authorization", authorization);
    } else if (method.equals("POST") && path.startsWith("/v1/auth/")) {
      b.header("DPoP", broker.proof(method, broker.url() + path, null));
    }
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    try {
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Reply(r.statusCode(), r.headers(), r.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  private static Reply grant(String session, String body) throws IOException {
    return call("POST", "/v1/grants", body, "Bearer " + session);
  }

  private static String resolve(String path) {
    return path.replace("{alice}", aliceGrantId);
  }

  private static String sessionBody(String idToken) throws IOException {
    return Json.mapper().writeValueAsString(Map.of("idToken", idToken));
  }

  /** Runs the dev IdP device flow by hand and returns the ID token (not a broker session). */
  private static String idToken(BrokerFixture f, String username) throws IOException {
    String form = "application/x-www-form-urlencoded";
    JsonNode auth =
        Json.mapper()
            .readTree(
                f.send(
                    "POST",
                    "/dev-idp/device/authorize",
                    "client_id=hoop-cli&scope=openid",
                    form,
                    null));
    f.approveDeviceCode(auth.path("user_code").asText(), username);
    JsonNode tokens =
        Json.mapper()
            .readTree(
                f.send(
                    "POST",
                    "/dev-idp/token",
                    "grant_type="
                        + URLEncoder.encode(
                            "urn:ietf:params:oauth:grant-type:device_code", StandardCharsets.UTF_8)
                        + "&client_id=hoop-cli&device_code="
                        + URLEncoder.encode(
                            auth.path("device_code").asText(), StandardCharsets.UTF_8),
                    form,
                    null));
    String idToken = tokens.path("id_token").asText("");
    assertThat(idToken).as(tokens.toString()).isNotBlank();
    return idToken;
  }

  private static List<AuditEvent> allEvents() {
    return broker.server().audit().list(0, 1000, null, null);
  }

  private static long logins(String name) {
    return allEvents().stream()
        .filter(e -> "login".equals(e.type()) && name.equals(e.principal()))
        .count();
  }

  private static List<Long> seqs(Reply r) {
    List<Long> out = new ArrayList<>();
    r.json().path("events").forEach(e -> out.add(e.path("seq").asLong()));
    return out;
  }

  private static void assertError(Reply r, int status, String code) {
    assertThat(r.status()).as(r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
    JsonNode error = r.json().path("error");
    assertThat(error.isObject()).as("error envelope in " + r.body()).isTrue();
    assertThat(error.path("code").asText()).as(r.body()).isEqualTo(code);
    assertThat(error.path("message").asText()).as(r.body()).isNotBlank();
  }

  private static void assertUnauthenticated(Reply r, String presented) {
    assertError(r, 401, "unauthenticated");
    assertThat(r.hint()).contains("hoop login");
    if (presented != null) {
      assertNoEcho(r, presented);
    }
  }

  /** No 16-character run of the credential appears anywhere in the answer. */
  private static void assertNoEcho(Reply r, String secret) {
    if (secret.length() < 16) {
      assertThat(r.body()).doesNotContain(secret);
      return;
    }
    for (int i = 0; i + 16 <= secret.length(); i += 4) {
      String piece = secret.substring(i, i + 16);
      assertThat(r.body()).as("answer quotes part of the credential").doesNotContain(piece);
    }
  }

  /** The broker still answers a good request after whatever the test sent. */
  private static void assertStillServes() throws IOException {
    Reply r = call("GET", "/v1/whoami", null, "Bearer " + alice);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    assertThat(r.json().path("principal").path("name").asText()).isEqualTo("alice");
    assertThat(call("GET", "/healthz", null, null).status()).isEqualTo(200);
  }
}
