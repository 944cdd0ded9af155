package io.hoop.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hoop.api.Json;
import io.hoop.cli.auth.FakeIdp;
import io.hoop.cli.config.Credentials;
import io.hoop.cli.config.Profile;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The commands in-process against a fake HTTPS broker: rendering, JSON output, exit codes. */
class CommandsTest extends FakeBrokerCase {
  private static final String WHOAMI =
      "{\"principal\":{\"name\":\"alice\",\"email\":\"alice@example.test\","
          + "\"groups\":[\"engineering\"],\"loginMethod\":\"oidc-device\"},"
          + "\"issuer\":\"https://idp\",\"sessionExpiresAt\":\"2099-01-01T00:00:00Z\"}";
  private static final String TARGETS =
      "{\"targets\":[{\"name\":\"demo-db\",\"type\":\"postgres\",\"description\":\"the demo\","
          + "\"maxDurationSeconds\":3600,\"roles\":[\"readonly\",\"readwrite\"]}]}";
  private static final String AUDIT =
      "{\"events\":[{\"seq\":1,\"time\":\"2026-11-22T10:00:00Z\",\"type\":\"grant.approved\","
          + "\"principal\":\"alice\",\"target\":\"demo-db\",\"grantId\":\"g-1\",\"task\":\"DEMO-1\","
          + "\"details\":{\"duration\":\"30m\"}}]}";

  @BeforeEach
  void start() {
    env = Map.of("HOOP_CONFIG_DIR", tmp.resolve("cfg").toString(), "HOME", tmp.toString());
  }

  @Test
  void withoutLoginEveryBrokerCommandExits6AndSaysWhatToRun() {
    for (String command : new String[] {"whoami", "targets", "audit"}) {
      CliRunner.Result r = hoop(command);
      assertThat(r.exitCode()).as(command).isEqualTo(6);
      assertThat(r.err())
          .as(command)
          .startsWith("hoop: ")
          .contains("run hoop login")
          .hasLineCount(1);
    }
    CliRunner.Result r = hoop("connect", "demo-db", "--task", "T-1");
    assertThat(r.exitCode()).isEqualTo(6);
  }

  @Test
  void expiredSessionExits6WithoutAskingTheBroker() {
    store().saveProfile(new Profile(broker.url(), broker.fingerprint(), null, null, null));
    store().saveCredentials(new Credentials("old", Instant.now().minusSeconds(5), null, "alice"));
    CliRunner.Result r = hoop("whoami");
    assertThat(r.exitCode()).isEqualTo(6);
    assertThat(r.err()).contains("expired").contains("run hoop login");
    assertThat(broker.requests).isEmpty();
  }

  @Test
  void whoamiAnswersOfflineFromTheProfileAndSaysSo() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    String url = "https://127.0.0.1:" + closed;
    store().saveProfile(new Profile(url, broker.fingerprint(), null, "https://idp", "cli"));
    store()
        .saveCredentials(
            new Credentials("sess-token", Instant.now().plus(1, ChronoUnit.HOURS), "rt", "alice"));
    CliRunner.Result r = hoop("whoami");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out())
        .containsPattern("principal\\s+alice")
        .containsPattern("broker\\s+" + url)
        .containsPattern("checked\\s+no: the broker is unreachable");
    assertThat(r.err()).startsWith("hoop: offline: cannot reach broker at " + url);
    JsonNode node = Json.mapper().readTree(hoop("whoami", "-o", "json").out());
    assertThat(node.at("/principal").asText()).isEqualTo("alice");
    assertThat(node.at("/offline").asBoolean()).isTrue();
    // Online, the same field says the broker answered.
    loggedIn();
    broker.on("GET /v1/whoami", 200, WHOAMI);
    assertThat(
            Json.mapper().readTree(hoop("whoami", "-o", "json").out()).at("/offline").asBoolean())
        .isFalse();
  }

  @Test
  void targetsRendersATableAndValidJson() throws Exception {
    loggedIn();
    broker.on("GET /v1/targets", 200, TARGETS);
    CliRunner.Result table = hoop("targets");
    assertThat(table.exitCode()).isZero();
    assertThat(table.out().lines())
        .first()
        .asString()
        .matches("NAME\\s+TYPE\\s+MAX-DURATION\\s+ROLES\\s+DESCRIPTION");
    assertThat(table.out())
        .containsPattern("demo-db\\s+postgres\\s+1h\\s+readonly,readwrite\\s+the demo");
    assertThat(broker.requests.get(0).authorization()).isEqualTo("Bearer sess-token");

    CliRunner.Result json = hoop("targets", "-o", "json");
    assertThat(json.exitCode()).isZero();
    JsonNode node = Json.mapper().readTree(json.out());
    assertThat(node.at("/targets/0/name").asText()).isEqualTo("demo-db");
    assertThat(node.at("/targets/0/maxDurationSeconds").asLong()).isEqualTo(3600);
  }

  @Test
  void whoamiRendersKeyValuesAndValidJson() throws Exception {
    loggedIn();
    broker.on("GET /v1/whoami", 200, WHOAMI);
    CliRunner.Result r = hoop("whoami");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out())
        .containsPattern("principal\\s+alice")
        .containsPattern("groups\\s+engineering")
        .containsPattern("login method\\s+oidc-device")
        .containsPattern("broker\\s+" + broker.url())
        .containsPattern("session expires\\s+2099-01-01 .*\\(in \\d+d");
    JsonNode node = Json.mapper().readTree(hoop("whoami", "-o", "json").out());
    assertThat(node.at("/principal").asText()).isEqualTo("alice");
    assertThat(node.at("/groups/0").asText()).isEqualTo("engineering");
    assertThat(node.at("/loginMethod").asText()).isEqualTo("oidc-device");
    assertThat(node.at("/sessionExpiresAt").asText()).isEqualTo("2099-01-01T00:00:00Z");
    assertThat(node.at("/sessionRemainingSeconds").asLong()).isPositive();
    assertThat(node.at("/profile").asText()).isEqualTo("default");
    assertThat(node.at("/broker").asText()).isEqualTo(broker.url());
  }

  @Test
  void auditPassesTheLimitAndRendersBothWays() throws Exception {
    loggedIn();
    broker.on("GET /v1/audit", 200, AUDIT);
    CliRunner.Result r = hoop("audit", "--limit", "5");
    assertThat(r.exitCode()).isZero();
    assertThat(broker.requests.get(0).path()).isEqualTo("/v1/audit?order=desc&limit=5");
    assertThat(r.out())
        .contains("TIME")
        .contains("grant.approved")
        .contains("duration=30m grant=g-1");
    JsonNode node = Json.mapper().readTree(hoop("audit", "-o", "json").out());
    assertThat(node.at("/events/0/type").asText()).isEqualTo("grant.approved");
    assertThat(hoop("audit", "--limit", "0").exitCode()).isEqualTo(2);
  }

  @Test
  void brokerErrorEnvelopesMapToExitCodes() {
    loggedIn();
    broker.on(
        "GET /v1/whoami",
        401,
        "{\"error\":{\"code\":\"session_expired\",\"message\":\"session expired\"}}");
    CliRunner.Result r401 = hoop("whoami");
    assertThat(r401.exitCode()).isEqualTo(6);
    assertThat(r401.err()).isEqualTo("hoop: session expired; run hoop login\n");

    broker.on(
        "GET /v1/targets",
        403,
        "{\"error\":{\"code\":\"forbidden\",\"message\":\"not allowed\",\"hint\":\"ask an admin\"}}");
    CliRunner.Result r403 = hoop("targets");
    assertThat(r403.exitCode()).isEqualTo(3);
    assertThat(r403.err()).isEqualTo("hoop: not allowed (ask an admin)\n");

    broker.on("GET /v1/audit", 500, "<html>oops</html>");
    CliRunner.Result r500 = hoop("audit");
    assertThat(r500.exitCode()).isEqualTo(1);
    assertThat(r500.err()).isEqualTo("hoop: broker answered HTTP 500 without an error message\n");
  }

  @Test
  void debugAddsTheStackTrace() {
    loggedIn();
    broker.on("GET /v1/audit", 500, "{}");
    assertThat(hoop("audit").err()).doesNotContain("\tat ");
    CliRunner.Result debug = hoop("audit", "--debug");
    assertThat(debug.exitCode()).isEqualTo(1);
    assertThat(debug.err()).contains("BrokerException").contains("\tat ");
  }

  @Test
  void unreachableBrokerSaysWhereAndAsksIfItRuns() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    String url = "https://127.0.0.1:" + port;
    store().saveProfile(new Profile(url, broker.fingerprint(), null, null, null));
    store().saveCredentials(new Credentials("t", Instant.now().plusSeconds(600), null, "alice"));
    CliRunner.Result r = hoop("targets");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err())
        .startsWith("hoop: cannot reach broker at " + url + ": ")
        .endsWith("(is it running?)\n");
  }

  @Test
  void wrongPinIsATlsErrorThatSaysHowToRepin() {
    store().saveProfile(new Profile(broker.url(), "AB".repeat(32), null, null, null));
    store().saveCredentials(new Credentials("t", Instant.now().plusSeconds(600), null, "alice"));
    CliRunner.Result r = hoop("targets");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err())
        .startsWith("hoop: TLS check of broker at " + broker.url())
        .contains("hoop login --broker");
    assertThat(broker.requests).isEmpty();
  }

  @Test
  void connectDeniedExits3WithTheDecisionReason() throws Exception {
    loggedIn();
    broker.on(
        "POST /v1/grants",
        200,
        "{\"id\":\"g-7\",\"target\":\"prod-db\",\"status\":\"DENIED\","
            + "\"decisionReason\":\"no entitlement for prod-db\"}");
    CliRunner.Result r =
        hoop(
            "connect",
            "prod-db",
            "--task",
            "JIRA-1",
            "--duration",
            "1h30m",
            "--reason",
            "fix",
            "--role",
            "readonly");
    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.err()).isEqualTo("hoop: access to prod-db denied: no entitlement for prod-db\n");
    JsonNode sent = Json.mapper().readTree(broker.requests.get(0).body());
    assertThat(sent.get("target").asText()).isEqualTo("prod-db");
    assertThat(sent.get("task").asText()).isEqualTo("JIRA-1");
    assertThat(sent.get("durationSeconds").asLong()).isEqualTo(5400);
    assertThat(sent.get("reason").asText()).isEqualTo("fix");
    assertThat(sent.get("role").asText()).isEqualTo("readonly");
  }

  @Test
  void connectPendingExits4() {
    loggedIn();
    broker.on(
        "POST /v1/grants", 200, "{\"id\":\"g-8\",\"target\":\"prod-db\",\"status\":\"PENDING\"}");
    CliRunner.Result r = hoop("connect", "prod-db", "--task", "JIRA-1", "--no-wait");
    assertThat(r.exitCode()).isEqualTo(4);
    assertThat(r.out()).isEqualTo("g-8\n");
    assertThat(r.err()).contains("Request g-8 for prod-db").contains("needs 1 more approval (0/1)");
  }

  @Test
  void connectRejectsBadValuesBeforeAskingTheBroker() {
    loggedIn();
    CliRunner.Result duration = hoop("connect", "db", "--task", "T-1", "--duration", "5x");
    assertThat(duration.exitCode()).isEqualTo(2);
    assertThat(duration.err())
        .contains("invalid duration '5x': expected e.g. 30m, 1h, 1h30m or 90s");
    assertThat(hoop("connect", "db").exitCode()).isEqualTo(2);
    assertThat(hoop("connect", "db", "--task", "T-1", "--port", "70000").exitCode()).isEqualTo(2);
    assertThat(hoop("connect", "db", "--task", " ").exitCode()).isEqualTo(2);
    assertThat(broker.requests).isEmpty();
  }

  @Test
  void firstContactWithoutATerminalPrintsTheFingerprintAndExits2() {
    CliRunner.Result r = hoop("login", "--broker", broker.url());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err())
        .contains("SHA-256: " + broker.fingerprint())
        .contains("CN=fake-broker")
        .contains("pass --fingerprint " + broker.fingerprint());
    assertThat(store().profile()).isEmpty();
  }

  @Test
  void loginRunsTheDeviceFlowStoresTheSessionAndLogoutForgetsIt() throws Exception {
    try (FakeIdp idp = new FakeIdp()) {
      idp.thenError("authorization_pending")
          .thenToken(
              200, "{\"id_token\":\"idt\",\"access_token\":\"at\",\"refresh_token\":\"rt\"}");
      broker.on(
          "GET /v1/auth/config",
          200,
          "{\"issuer\":\""
              + idp.url()
              + "\",\"clientId\":\"hoop-cli\",\"scopes\":[\"openid\"],\"dev\":true}");
      broker.on(
          "POST /v1/auth/token",
          200,
          "{\"sessionToken\":\"sess-1\",\"expiresAt\":\"2099-01-01T00:00:00Z\","
              + "\"principal\":{\"name\":\"alice\",\"groups\":[\"engineering\",\"ops\"]},"
              + "\"tokenType\":\"DPoP\"}");
      String fp = broker.fingerprint().replace(":", "").toLowerCase();
      CliRunner.Result r =
          hoop(
              "login",
              "--broker",
              broker.url() + "/",
              "--fingerprint",
              "sha256:" + fp,
              "--no-browser");
      assertThat(r.exitCode()).as(r.err()).isZero();
      assertThat(r.err())
          .contains("To sign in, open https://idp.test/device and enter code ABCD-EFGH")
          .contains("https://idp.test/device?user_code=ABCD-EFGH");
      assertThat(r.out())
          .startsWith(
              "Logged in to "
                  + broker.url()
                  + " as alice (groups: engineering, ops), session expires 2099-01-01");
      FakeBroker.Request exchange = broker.requests.get(1);
      JsonNode body = Json.mapper().readTree(exchange.body());
      assertThat(body.get("subjectToken").asText()).isEqualTo("idt");
      assertThat(body.get("subjectTokenType").asText())
          .isEqualTo("urn:ietf:params:oauth:token-type:id_token");
      assertThat(body.get("grantType").asText())
          .isEqualTo("urn:ietf:params:oauth:grant-type:token-exchange");
      // The login's proof names the key the new session is bound to, and carries no token hash.
      assertThat(exchange.authorization()).isNull();
      com.nimbusds.jwt.SignedJWT proof = com.nimbusds.jwt.SignedJWT.parse(exchange.dpop());
      assertThat(proof.getJWTClaimsSet().getClaim("ath")).isNull();
      assertThat(proof.getHeader().getJWK().computeThumbprint().toString())
          .isEqualTo(store().key().orElseThrow().thumbprint())
          .isEqualTo(store().credentials().orElseThrow().keyThumbprint());
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(store().keyFile())))
          .isEqualTo("rw-------");
      assertThat(store().profile().orElseThrow())
          .isEqualTo(new Profile(broker.url(), broker.fingerprint(), null, idp.url(), "hoop-cli"));
      assertThat(store().credentials().orElseThrow().sessionToken()).isEqualTo("sess-1");
      assertThat(store().credentials().orElseThrow().refreshToken()).isEqualTo("rt");
      assertThat(
              PosixFilePermissions.toString(
                  Files.getPosixFilePermissions(store().credentialsFile())))
          .isEqualTo("rw-------");

      broker.on("POST /v1/auth/logout", 204, "");
      CliRunner.Result logout = hoop("logout");
      assertThat(logout.exitCode()).as(logout.err()).isZero();
      FakeBroker.Request revoke = broker.requests.get(broker.requests.size() - 1);
      assertThat(revoke.path()).isEqualTo("/v1/auth/logout");
      assertThat(revoke.authorization()).isEqualTo("DPoP sess-1");
      assertThat(revoke.dpop()).isNotNull();
      assertThat(store().credentials()).isEmpty();
      assertThat(store().key()).isEmpty();
      assertThat(store().profile()).isPresent();
      assertThat(hoop("whoami").exitCode()).isEqualTo(6);

      // The same two commands for scripts: fields, never a token.
      idp.thenToken(200, "{\"id_token\":\"idt\",\"access_token\":\"at\",\"refresh_token\":\"rt\"}");
      CliRunner.Result again = hoop("login", "--no-browser", "-o", "json");
      assertThat(again.exitCode()).as(again.err()).isZero();
      JsonNode in = Json.mapper().readTree(again.out());
      assertThat(in.path("principal").asText()).isEqualTo("alice");
      assertThat(in.path("broker").asText()).isEqualTo(broker.url());
      assertThat(in.path("profile").asText()).isEqualTo("default");
      assertThat(in.path("groups").toString()).isEqualTo("[\"engineering\",\"ops\"]");
      assertThat(in.path("sessionExpiresAt").asText()).isEqualTo("2099-01-01T00:00:00Z");
      assertThat(again.out()).doesNotContain("sess-1").doesNotContain("\"rt\"");
      CliRunner.Result out = hoop("logout", "-o", "json");
      assertThat(out.exitCode()).as(out.err()).isZero();
      JsonNode gone = Json.mapper().readTree(out.out()).path("profiles").get(0);
      assertThat(gone.path("profile").asText()).isEqualTo("default");
      assertThat(gone.path("wasLoggedIn").asBoolean()).isTrue();
      assertThat(gone.path("brokerSessionRevoked").asBoolean()).isTrue();
      assertThat(gone.has("refreshTokenRevoked")).isTrue();
    }
  }

  @Test
  void versionPrintsJsonForScripts() throws Exception {
    JsonNode v = Json.mapper().readTree(hoop("version", "-o", "json").out());
    assertThat(v.path("version").asText()).isNotBlank().doesNotContain("${");
    assertThat(v.path("java").asText()).isEqualTo(System.getProperty("java.version"));
  }

  @Test
  void badFingerprintIsAUsageError() {
    CliRunner.Result r = hoop("login", "--broker", broker.url(), "--fingerprint", "nope");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("'nope' is not a SHA-256 fingerprint");
    assertThat(hoop("login", "--broker", "http://x:1", "--fingerprint", "nope").err())
        .contains("must start with https://");
  }
}
