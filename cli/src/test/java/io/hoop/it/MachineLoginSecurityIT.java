package io.hoop.it;

import static io.hoop.it.BrokerJson.assertError;
import static io.hoop.it.BrokerJson.post;
import static io.hoop.it.BrokerJson.request;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import io.hoop.api.AuditEvent;
import io.hoop.api.Json;
import io.hoop.api.TokenExchangeRequest;
import io.hoop.testkit.BrokerFixture;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Comparator;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 11, item 1 and the broker parts of items 2 and 5, against a real broker and its dev IdP: no
 * person becomes a shared machine principal, an ID token opens one session at most, and every
 * refusal is audited with the remote address, bounded under a flood.
 */
class MachineLoginSecurityIT {
  static final String LOCALHOST = "127.0.0.1";

  /** The broker's clock: each test starts a fresh refusal-audit window by moving it on. */
  static final class MovableClock extends Clock {
    private final AtomicReference<Duration> offset = new AtomicReference<>(Duration.ZERO);

    void advance(Duration d) {
      offset.updateAndGet(o -> o.plus(d));
    }

    @Override
    public Instant instant() {
      return Instant.now().plus(offset.get());
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException("UTC only");
    }
  }

  static final MovableClock clock = new MovableClock();
  static Path secrets;
  static EchoServer echo;
  static BrokerFixture broker;
  static String bob;
  long mark;

  @BeforeAll
  static void start() throws Exception {
    secrets = Files.createTempDirectory("hoop-machine-it-");
    echo = new EchoServer();
    broker =
        BrokerFixture.start(
            """
            identity:
              machineClients:
                - {clientId: ci-deployer, description: the deploy pipeline}
            devIdp:
              users:
                - username: alice
                  groups: [engineering]
                - username: bob
                  groups: [dba]
              clients:
                - {id: ci-deployer, secretFile: %1$s, groups: [deployers]}
                - {id: ci-other, secretFile: %2$s, groups: [deployers]}
                - {id: hoop-cli, secretFile: %3$s, groups: [dba]}
            targets:
              - name: echo
                type: tcp
                address: 127.0.0.1:%4$d
                reviewers: [dba]
                onNoEntitlement: review
            entitlements:
              - group: deployers
                targets: [echo]
            """
                .formatted(
                    secret("ci-deployer"), secret("ci-other"), secret("hoop-cli"), echo.port()),
            clock);
    bob = broker.login("bob");
  }

  @AfterAll
  static void stop() throws Exception {
    if (broker != null) {
      broker.close();
    }
    if (echo != null) {
      echo.close();
    }
    if (secrets != null) {
      try (Stream<Path> s = Files.walk(secrets)) {
        for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  @BeforeEach
  void freshWindow() {
    clock.advance(Duration.ofSeconds(61));
    mark = broker.server().audit().head().seq();
  }

  static Path secret(String client) throws Exception {
    Path f = secrets.resolve(client + ".secret");
    Files.writeString(f, client + "-secret-0123456789abcdef");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
    return f;
  }

  // --- machine logins --------------------------------------------------------------------------

  @Test
  void aPersonsIdTokenOfferedAsAMachineLoginIsRefusedAndAudited() throws Exception {
    String idToken = deviceTokens("alice").path("id_token").asText();
    JsonNode r = exchange(idToken, TokenExchangeRequest.ACCESS_TOKEN);
    // On main this was the session of "client:alice".
    assertError(r, "not_a_machine_client", "names no client");
    AuditEvent refused = refusal("login.refused", "not_a_machine_client");
    assertThat(refused.principal()).as("the verified person the token names").isEqualTo("alice");
    assertThat(refused.details().get("path")).isEqualTo("/v1/auth/token");
    assertThat(refused.details().toString()).doesNotContain(idToken);
  }

  @Test
  void aPersonsAccessTokenOfferedAsAMachineLoginIsRefusedAndAudited() throws Exception {
    String accessToken = deviceTokens("alice").path("access_token").asText();
    JsonNode r = exchange(accessToken, TokenExchangeRequest.ACCESS_TOKEN);
    // The dev IdP's access tokens are shaped like Keycloak's (azp and aud the interactive client).
    assertError(r, "not_a_machine_client", "the client people log in with (identity.clientId)");
    AuditEvent refused = refusal("login.refused", "not_a_machine_client");
    assertThat(refused.details().toString()).doesNotContain(accessToken);
  }

  @Test
  void theInteractiveClientIsNeverAMachine() throws Exception {
    // hoop-cli given a secret at the IdP, as a confidential interactive client would have.
    JsonNode r = exchange(clientToken("hoop-cli"), TokenExchangeRequest.ACCESS_TOKEN);
    assertError(r, "not_a_machine_client", "the client people log in with (identity.clientId)");
    assertThat(refusal("login.refused", "not_a_machine_client").principal())
        .isEqualTo("client:hoop-cli");
  }

  @Test
  void anUnlistedClientIsRefused() throws Exception {
    JsonNode r = exchange(clientToken("ci-other"), TokenExchangeRequest.ACCESS_TOKEN);
    assertError(r, "not_a_machine_client", "'ci-other' is not listed in identity.machineClients");
    refusal("login.refused", "not_a_machine_client");
  }

  @Test
  void aListedClientLogsInAsItself() throws Exception {
    JsonNode r = exchange(clientToken("ci-deployer"), TokenExchangeRequest.ACCESS_TOKEN);
    assertThat(r.path("principal").path("name").asText())
        .as(r.toString())
        .isEqualTo("client:ci-deployer");
    AuditEvent login = after("login").get(0);
    assertThat(login.principal()).isEqualTo("client:ci-deployer");
    assertThat(login.details())
        .containsEntry("method", "client-credentials")
        .containsEntry("recognisedBy", "sub")
        .containsEntry("jkt", broker.dpopKey().computeThumbprint().toString());
  }

  @Test
  void aReviewerCanNoLongerBecomeASharedPrincipalAndApproveHimself() throws Exception {
    // Bob's own tokens give no principal but bob...
    JsonNode tokens = deviceTokens("bob");
    assertError(
        exchange(tokens.path("id_token").asText(), TokenExchangeRequest.ACCESS_TOKEN),
        "not_a_machine_client",
        "");
    assertError(
        exchange(tokens.path("access_token").asText(), TokenExchangeRequest.ACCESS_TOKEN),
        "not_a_machine_client",
        "the client people log in with");
    // ...and as bob he cannot approve what he asked for; the attempt is audited as bob's.
    JsonNode g = request(broker, bob, "echo", "OPS-1");
    assertThat(g.path("status").asText()).as(g.toString()).isEqualTo("PENDING");
    JsonNode r = post(broker, bob, "/v1/grants/" + g.path("id").asText() + "/approve", Map.of());
    assertError(r, "self_approval", "");
    AuditEvent refused = refusal("request.refused", "self_approval");
    assertThat(refused.principal()).isEqualTo("bob");
    assertThat(refused.details()).containsEntry("status", 403);
  }

  @Test
  void unknownRequestFieldsAreRefused() throws Exception {
    JsonNode r =
        post(broker, bob, "/v1/grants", Map.of("target", "echo", "duration", 60, "reason", "typo"));
    assertError(r, "unknown_field", "field 'duration' is not a field of GrantRequest");
    assertThat(r.path("error").path("message").asText()).contains("durationSeconds");
    assertThat(refusal("request.refused", "unknown_field").principal()).isEqualTo("bob");
  }

  // --- ID tokens ---------------------------------------------------------------------------------

  @Test
  void anIdTokenIsExchangedForASessionAtMostOnce() throws Exception {
    String idToken = deviceTokens("alice").path("id_token").asText();
    JsonNode first = session(idToken);
    assertThat(first.path("principal").path("name").asText())
        .as(first.toString())
        .isEqualTo("alice");
    AuditEvent login = after("login").get(0);
    assertThat(login.details())
        .containsEntry("method", "oidc-device")
        .containsEntry("jkt", broker.dpopKey().computeThumbprint().toString());
    assertError(session(idToken), "id_token_replayed", "already exchanged");
    assertError(
        exchange(idToken, TokenExchangeRequest.ID_TOKEN), "id_token_replayed", "already exchanged");
    AuditEvent refused = refusal("login.refused", "id_token_replayed");
    assertThat(refused.principal()).isEqualTo("alice");
    assertThat(after("login")).hasSize(1);
  }

  @Test
  void anAccessTokenIsNeverTakenForAnIdToken() throws Exception {
    assertError(session(clientToken("ci-deployer")), "invalid_id_token", "expected an ID token");
    refusal("login.refused", "invalid_id_token");
  }

  // --- refusals of authenticated calls -------------------------------------------------------

  @Test
  void aTamperedSessionTokenIsAnAuditedRefusalWithTheRemoteAddress() throws Exception {
    String alice = broker.login("alice");
    String[] parts = alice.split("\\.");
    char c = parts[2].charAt(5);
    parts[2] = parts[2].substring(0, 5) + (c == 'A' ? 'B' : 'A') + parts[2].substring(6);
    String tampered = String.join(".", parts);
    JsonNode r =
        Json.mapper()
            .readTree(
                broker.send(
                    "GET",
                    "/v1/whoami",
                    null,
                    null,
                    null,
                    Map.of(
                        "Authorization",
                        "DPoP " + tampered,
                        "DPoP",
                        broker.proof("GET", broker.url() + "/v1/whoami", tampered))));
    assertThat(r.path("error").path("code").asText()).as(r.toString()).isNotBlank();
    AuditEvent refused = refusal("request.refused", r.path("error").path("code").asText());
    assertThat(refused.principal()).as("nothing verified").isNull();
    assertThat(refused.details().toString()).doesNotContain(tampered).doesNotContain(parts[2]);
  }

  @Test
  void aReplayedDpopProofIsAnAuditedRefusalNamingTheSession() throws Exception {
    String alice = broker.login("alice");
    Map<String, String> headers =
        Map.of(
            "Authorization",
            "DPoP " + alice,
            "DPoP",
            broker.proof("GET", broker.url() + "/v1/whoami", alice));
    JsonNode ok =
        Json.mapper().readTree(broker.send("GET", "/v1/whoami", null, null, null, headers));
    assertThat(ok.path("principal").path("name").asText()).as(ok.toString()).isEqualTo("alice");
    JsonNode replay =
        Json.mapper().readTree(broker.send("GET", "/v1/whoami", null, null, null, headers));
    assertError(replay, "dpop_replay", "");
    AuditEvent refused = refusal("request.refused", "dpop_replay");
    assertThat(refused.principal()).isEqualTo("alice");
  }

  @Test
  void aFloodCostsABoundedNumberOfRecordsAndIsSummedUp() throws Exception {
    int flood = 300;
    for (int i = 0; i < flood; i++) {
      broker.send("GET", "/v1/whoami", null, null, null, Map.of("Authorization", "Bearer junk"));
    }
    List<AuditEvent> detailed =
        after("request.refused").stream()
            .filter(e -> "/v1/whoami".equals(e.details().get("path")))
            .toList();
    assertThat(detailed).hasSizeBetween(1, 5);
    String code = (String) detailed.get(0).details().get("code");
    // The window ends: one more refusal (or the broker's timer) writes the summary.
    clock.advance(Duration.ofSeconds(61));
    broker.send("GET", "/v1/whoami", null, null, null, Map.of("Authorization", "Bearer junk"));
    List<AuditEvent> summaries = after("request.refused.summary");
    assertThat(summaries).hasSize(1);
    assertThat(summaries.get(0).details())
        .containsEntry("remote", LOCALHOST)
        .containsEntry("code", code)
        .containsEntry("count", flood - detailed.size());
    long all = broker.server().audit().list(mark, 10_000, null, null).size();
    assertThat(all).as("records for %d refusals", flood + 1).isLessThanOrEqualTo(5 + 1 + 1);
  }

  // --- helpers -------------------------------------------------------------------------------

  /** The latest refusal of {@code type} with {@code code} since the test began, from 127.0.0.1. */
  AuditEvent refusal(String type, String code) {
    List<AuditEvent> found =
        after(type).stream().filter(e -> code.equals(e.details().get("code"))).toList();
    assertThat(found).as("a %s record with code %s", type, code).isNotEmpty();
    AuditEvent e = found.get(found.size() - 1);
    assertThat((String) e.details().get("remote")).startsWith(LOCALHOST + ":");
    assertThat(e.details()).containsKeys("method", "path", "status", "reason");
    return e;
  }

  List<AuditEvent> after(String type) {
    return broker.server().audit().list(mark, 10_000, null, null).stream()
        .filter(e -> e.type().equals(type))
        .toList();
  }

  /** The dev IdP's token response of a device-flow login approved as {@code username}. */
  static JsonNode deviceTokens(String username) throws Exception {
    JsonNode auth =
        Json.mapper()
            .readTree(form("/dev-idp/device/authorize", "client_id=hoop-cli&scope=openid", null));
    broker.approveDeviceCode(auth.path("user_code").asText(), username);
    for (int i = 0; i < 50; i++) {
      JsonNode r =
          Json.mapper()
              .readTree(
                  form(
                      "/dev-idp/token",
                      "grant_type="
                          + URLEncoder.encode(
                              "urn:ietf:params:oauth:grant-type:device_code",
                              StandardCharsets.UTF_8)
                          + "&client_id=hoop-cli&device_code="
                          + auth.path("device_code").asText(),
                      null));
      if (r.has("id_token")) {
        return r;
      }
      Thread.sleep(300);
    }
    throw new AssertionError("the dev IdP never issued tokens for " + username);
  }

  /**
   * A listed client's access token that the IdP bound to the client's DPoP key ({@code cnf.jkt}, as
   * Keycloak does when the client sends a proof) logs in only with a proof by that key: whoever
   * copied it (from a CI log, a proxy) gets nothing with a key of their own.
   */
  @Test
  void aDpopBoundMachineTokenLogsInOnlyWithItsOwnKey() throws Exception {
    ECKey ciKey = new ECKeyGenerator(Curve.P_256).generate();
    String bound = boundClientToken("ci-deployer", ciKey);
    JsonNode stolen = exchange(bound, TokenExchangeRequest.ACCESS_TOKEN);
    assertError(stolen, "invalid_dpop_proof", "bound to another DPoP key");
    assertThat(refusal("login.refused", "invalid_dpop_proof").principal())
        .isEqualTo("client:ci-deployer");
    assertThat(after("login")).isEmpty();
    JsonNode own = exchange(bound, TokenExchangeRequest.ACCESS_TOKEN, ciKey);
    assertThat(own.path("principal").path("name").asText())
        .as(own.toString())
        .isEqualTo("client:ci-deployer");
  }

  static String boundClientToken(String client, ECKey key) throws Exception {
    JsonNode r =
        clientCredentials(
            client,
            Map.of(
                "DPoP",
                BrokerFixture.proof(
                    key,
                    "POST",
                    broker.url() + "/dev-idp/token",
                    null,
                    Date.from(clock.instant()))));
    assertThat(r.path("token_type").asText()).as(r.toString()).isEqualTo("DPoP");
    return r.path("access_token").asText();
  }

  static JsonNode exchange(String token, String type, ECKey key) throws Exception {
    return Json.mapper()
        .readTree(
            broker.send(
                "POST",
                "/v1/auth/token",
                Json.mapper()
                    .writeValueAsString(
                        new TokenExchangeRequest(TokenExchangeRequest.GRANT_TYPE, token, type)),
                "application/json",
                null,
                Map.of(
                    "DPoP",
                    BrokerFixture.proof(
                        key,
                        "POST",
                        broker.url() + "/v1/auth/token",
                        null,
                        Date.from(clock.instant())))));
  }

  static String clientToken(String client) throws Exception {
    JsonNode r = clientCredentials(client, Map.of());
    assertThat(r.has("access_token")).as(r.toString()).isTrue();
    return r.path("access_token").asText();
  }

  /** The dev IdP's answer to a client-credentials request of {@code client}, with its secret. */
  static JsonNode clientCredentials(String client, Map<String, String> headers) throws Exception {
    String basic =
        Base64.getEncoder()
            .encodeToString(
                (client + ":" + client + "-secret-0123456789abcdef")
                    .getBytes(StandardCharsets.UTF_8));
    Map<String, String> h = new HashMap<>(headers);
    h.put("Authorization", "Basic " + basic);
    return Json.mapper()
        .readTree(
            broker.send(
                "POST",
                "/dev-idp/token",
                "grant_type=client_credentials",
                "application/x-www-form-urlencoded",
                null,
                h));
  }

  static String form(String path, String body, String authorization) throws Exception {
    return broker.send(
        "POST",
        path,
        body,
        "application/x-www-form-urlencoded",
        null,
        authorization == null ? Map.of() : Map.of("Authorization", authorization));
  }

  static JsonNode exchange(String token, String type) throws Exception {
    return exchange(token, type, broker.dpopKey());
  }

  static JsonNode session(String idToken) throws Exception {
    return Json.mapper()
        .readTree(
            broker.send(
                "POST",
                "/v1/auth/session",
                Json.mapper().writeValueAsString(Map.of("idToken", idToken)),
                "application/json",
                null,
                Map.of("DPoP", broker.proof("POST", broker.url() + "/v1/auth/session", null))));
  }
}
