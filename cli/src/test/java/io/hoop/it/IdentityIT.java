package io.hoop.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import io.hoop.api.Json;
import io.hoop.api.Principal;
import io.hoop.api.TokenExchangeRequest;
import io.hoop.broker.token.TokenService;
import io.hoop.testkit.BrokerFixture;
import io.hoop.testkit.TestIssuer;
import io.hoop.tunnel.protocol.HandshakeReply;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Identity against a real broker: key-bound sessions (DPoP), logout, client credentials with the
 * dev IdP, workload identity federation with a test issuer, admin-minted tokens.
 */
class IdentityIT {
  static EchoServer echo;
  static TestIssuer ci;
  static TestIssuer gone;
  static BrokerFixture broker;
  static String alice;

  @BeforeAll
  static void start() throws Exception {
    echo = new EchoServer();
    ci = TestIssuer.start();
    gone = TestIssuer.start();
    broker =
        BrokerFixture.start(
            """
            identity:
              federation:
                - name: ci
                  issuer: %s
                  audience: hoop
                  conditions: {repository: "acme/*", ref: refs/heads/main}
                  principal: "ci:{repository}:{workflow}"
                  groups: [deployers]
                - name: unreachable
                  issuer: %s
                  audience: hoop
                  conditions: {sub: "*"}
                  principal: "other:{sub}"
            devIdp:
              users:
                - username: alice
                  groups: [engineering]
            targets:
              - name: echo
                type: tcp
                address: 127.0.0.1:%d
            entitlements:
              - group: engineering
                targets: [echo]
                maxDuration: 1h
            """
                .formatted(ci.issuer(), gone.issuer(), echo.port()));
    alice = broker.login("alice");
  }

  @AfterAll
  static void stop() throws Exception {
    broker.close();
    ci.close();
    gone.close();
    echo.close();
  }

  @Test
  void loginBindsTheSessionToTheCallersKey() throws Exception {
    JsonNode me = get("/v1/whoami", alice);
    assertThat(me.path("principal").path("name").asText()).isEqualTo("alice");
    assertThat(me.path("keyThumbprint").asText())
        .isEqualTo(broker.dpopKey().computeThumbprint().toString());
  }

  @Test
  void aLoginWithoutProofIsRefused() throws Exception {
    JsonNode r =
        json(
            broker.send(
                "POST", "/v1/auth/session", "{\"idToken\":\"x.y.z\"}", "application/json", null));
    assertThat(r.path("error").path("code").asText()).isEqualTo("dpop_required");
  }

  @Test
  void aTokenReplayedWithoutItsKeyIsRefused() throws Exception {
    // As Bearer, as DPoP without a proof, and with a proof by the thief's own key.
    JsonNode asBearer = json(whoami(Map.of("Authorization", "Bearer " + alice)));
    assertThat(asBearer.path("error").path("code").asText()).isEqualTo("dpop_required");

    JsonNode noProof = json(whoami(Map.of("Authorization", "DPoP " + alice)));
    assertThat(noProof.path("error").path("code").asText()).isEqualTo("dpop_required");
    assertThat(noProof.path("error").path("message").asText()).contains("run hoop login");

    ECKey thief = new ECKeyGenerator(Curve.P_256).generate();
    String proof =
        BrokerFixture.proof(thief, "GET", broker.url() + "/v1/whoami", alice, new Date());
    JsonNode otherKey = json(whoami(Map.of("Authorization", "DPoP " + alice, "DPoP", proof)));
    assertThat(otherKey.path("error").path("code").asText()).isEqualTo("invalid_dpop_proof");
  }

  @Test
  void aReplayedOrStaleProofIsRefused() throws Exception {
    String proof = broker.proof("GET", broker.url() + "/v1/whoami", alice);
    Map<String, String> h = Map.of("Authorization", "DPoP " + alice, "DPoP", proof);
    assertThat(json(whoami(h)).has("principal")).isTrue();
    assertThat(code(whoami(h))).isEqualTo("dpop_replay");

    String old =
        BrokerFixture.proof(
            broker.dpopKey(),
            "GET",
            broker.url() + "/v1/whoami",
            alice,
            new Date(System.currentTimeMillis() - 120_000));
    assertThat(code(whoami(Map.of("Authorization", "DPoP " + alice, "DPoP", old))))
        .isEqualTo("dpop_expired");
  }

  @Test
  void logoutRevokesTheSessionForTheApiAndTunnels() throws Exception {
    String session = broker.login("alice");
    JsonNode grant =
        json(
            broker.send(
                "POST",
                "/v1/grants",
                "{\"target\":\"echo\",\"task\":\"ID-1\",\"durationSeconds\":600}",
                "application/json",
                session));
    String grantToken = grant.path("token").asText();
    assertThat(handshake(grantToken, session).ok()).isTrue();

    JsonNode out = json(broker.send("POST", "/v1/auth/logout", null, null, session));
    assertThat(out.path("revoked").asText()).isNotEmpty();

    assertThat(code(broker.send("GET", "/v1/whoami", null, null, session)))
        .isEqualTo("session_revoked");
    HandshakeReply r = handshake(grantToken, session);
    assertThat(r.ok()).isFalse();
    assertThat(r.error().code()).isEqualTo("session_revoked");
    assertThat(get("/v1/whoami", alice).path("principal").path("name").asText())
        .as("other sessions live on")
        .isEqualTo("alice");
  }

  @Test
  void tunnelHandshakesNeedAProofForTheirGrant() throws Exception {
    String grantToken =
        json(broker.send(
                "POST",
                "/v1/grants",
                "{\"target\":\"echo\",\"task\":\"ID-2\",\"durationSeconds\":600}",
                "application/json",
                alice))
            .path("token")
            .asText();
    HandshakeReply none = raw(new io.hoop.tunnel.protocol.Handshake(grantToken, alice, null));
    assertThat(none.error().code()).isEqualTo("dpop_required");
    String forOtherGrant = broker.proof("TUNNEL", "urn:hoop:tunnel:g-000000000000", alice);
    HandshakeReply wrong =
        raw(new io.hoop.tunnel.protocol.Handshake(grantToken, alice, forOtherGrant));
    assertThat(wrong.error().code()).isEqualTo("invalid_dpop_proof");
    io.hoop.tunnel.protocol.Handshake good = broker.handshake(grantToken, alice);
    assertThat(raw(good).ok()).isTrue();
    assertThat(raw(good).error().code()).as("the same proof twice").isEqualTo("dpop_replay");
  }

  @Test
  void clientCredentialsOfTheDevIdpGiveAMachinePrincipal() throws Exception {
    var secretFile = broker.dataDir().resolve("dev-idp/ci-bot.secret");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(secretFile)))
        .isEqualTo("rw-------");
    String secret = Files.readString(secretFile).strip();
    String basic =
        Base64.getEncoder().encodeToString(("ci-bot:" + secret).getBytes(StandardCharsets.UTF_8));
    JsonNode tokens =
        json(
            broker.send(
                "POST",
                "/dev-idp/token",
                "grant_type=client_credentials",
                "application/x-www-form-urlencoded",
                null,
                Map.of("Authorization", "Basic " + basic)));
    JsonNode session =
        exchange(tokens.path("access_token").asText(), TokenExchangeRequest.ACCESS_TOKEN);
    // Prefixed, so a client can never be taken for a person of the same name.
    assertThat(session.path("principal").path("name").asText()).isEqualTo("client:ci-bot");
    assertThat(session.path("principal").path("loginMethod").asText())
        .isEqualTo("client-credentials");
    assertThat(session.path("principal").path("groups").toString()).contains("ci");
    assertThat(session.path("tokenType").asText()).isEqualTo("DPoP");
  }

  @Test
  void aFederatedTokenMatchingEveryConditionBecomesItsOwnPrincipal() throws Exception {
    String token =
        ci.mint(
            "hoop",
            "repo:acme/app:ref:refs/heads/main",
            Map.of("repository", "acme/app", "ref", "refs/heads/main", "workflow", "deploy"),
            Duration.ofMinutes(5));
    JsonNode session = exchange(token, TokenExchangeRequest.JWT);
    assertThat(session.path("principal").path("name").asText()).isEqualTo("ci:acme/app:deploy");
    assertThat(session.path("principal").path("loginMethod").asText()).isEqualTo("federated");
    assertThat(session.path("principal").path("groups").toString()).contains("deployers");
    String sessionToken = session.path("sessionToken").asText();
    assertThat(get("/v1/whoami", sessionToken).path("principal").path("name").asText())
        .isEqualTo("ci:acme/app:deploy");
  }

  @Test
  void aFederatedTokenMissingOneConditionIsRefused() throws Exception {
    Map<String, Object> claims = new HashMap<>();
    claims.put("repository", "acme/app");
    claims.put("ref", "refs/heads/feature");
    claims.put("workflow", "deploy");
    JsonNode r =
        exchangeRaw(ci.mint("hoop", "s", claims, Duration.ofMinutes(5)), TokenExchangeRequest.JWT);
    assertThat(r.path("error").path("code").asText()).isEqualTo("invalid_federated_token");
    assertThat(r.path("error").path("message").asText())
        .contains("claim ref is 'refs/heads/feature'")
        .contains("refs/heads/main");

    claims.put("ref", null);
    JsonNode missing =
        exchangeRaw(ci.mint("hoop", "s", claims, Duration.ofMinutes(5)), TokenExchangeRequest.JWT);
    assertThat(missing.path("error").path("message").asText()).contains("has no claim ref");

    JsonNode wrongAud =
        exchangeRaw(
            ci.mint(
                "someone-else",
                "s",
                Map.of("repository", "acme/app", "ref", "refs/heads/main", "workflow", "x"),
                Duration.ofMinutes(5)),
            TokenExchangeRequest.JWT);
    assertThat(wrongAud.path("error").path("message").asText()).contains("audience");
  }

  @Test
  void anUnreachableIssuerFailsTheLoginNamingIt() throws Exception {
    gone.serving(false);
    JsonNode r =
        exchangeRaw(
            gone.mint("hoop", "job-1", Map.of(), Duration.ofMinutes(5)), TokenExchangeRequest.JWT);
    assertThat(r.path("error").path("code").asText()).isEqualTo("idp_unavailable");
    assertThat(r.path("error").path("message").asText()).contains(gone.issuer());
  }

  @Test
  void authConfigListsTheFederatedIssuersWithoutTheirConditions() throws Exception {
    JsonNode cfg = json(broker.send("GET", "/v1/auth/config", null, null, null));
    assertThat(cfg.path("federation").get(0).path("issuer").asText()).isEqualTo(ci.issuer());
    assertThat(cfg.path("federation").get(0).path("audience").asText()).isEqualTo("hoop");
    assertThat(cfg.toString()).doesNotContain("acme/*");
  }

  @Test
  void adminMintedTokensAreBearerAndDistinctInAudit() throws Exception {
    String token =
        TokenService.loadOrCreate(broker.dataDir(), Clock.systemUTC())
            .issueSession(
                new Principal("token:nightly", null, List.of("engineering"), "admin-token"),
                Duration.ofMinutes(10),
                null,
                "t-it-1")
            .token();
    JsonNode me = get("/v1/whoami", token);
    assertThat(me.path("principal").path("name").asText()).isEqualTo("token:nightly");
    assertThat(me.path("keyThumbprint").asText(null)).as("unbound").isNull();
  }

  @Test
  void unboundSessionsOnlyWhenTheConfigAllowsThem() throws Exception {
    try (BrokerFixture lax = BrokerFixture.start("identity:\n  requireDpop: false\n")) {
      String body = Json.mapper().writeValueAsString(Map.of("idToken", devIdToken(lax, "alice")));
      JsonNode s = json(lax.send("POST", "/v1/auth/session", body, "application/json", null));
      assertThat(s.path("tokenType").asText()).as(s.toString()).isEqualTo("Bearer");
      String token = s.path("sessionToken").asText();
      assertThat(BrokerFixture.isBound(token)).isFalse();
      JsonNode me = json(lax.send("GET", "/v1/whoami", null, null, token));
      assertThat(me.path("principal").path("name").asText()).isEqualTo("alice");

      // A login with a proof is still bound there, and then needs its proofs.
      assertThat(BrokerFixture.isBound(lax.login("alice"))).isTrue();
    }
  }

  @Test
  void unknownExchangeTypesAreRefused() throws Exception {
    assertThat(exchangeRaw("x.y.z", "urn:example:saml").path("error").path("code").asText())
        .isEqualTo("unsupported_token_type");
    String body =
        Json.mapper()
            .writeValueAsString(
                new TokenExchangeRequest("password", "x", TokenExchangeRequest.JWT));
    assertThat(
            code(
                broker.send(
                    "POST",
                    "/v1/auth/token",
                    body,
                    "application/json",
                    null,
                    Map.of("DPoP", broker.proof("POST", broker.url() + "/v1/auth/token", null)))))
        .isEqualTo("unsupported_grant_type");
  }

  /** The dev IdP's device flow by hand: the ID token, not a broker session. */
  private static String devIdToken(BrokerFixture f, String username) throws IOException {
    String form = "application/x-www-form-urlencoded";
    JsonNode auth =
        json(f.send("POST", "/dev-idp/device/authorize", "client_id=hoop-cli", form, null));
    f.approveDeviceCode(auth.path("user_code").asText(), username);
    JsonNode tokens =
        json(
            f.send(
                "POST",
                "/dev-idp/token",
                "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code"
                    + "&client_id=hoop-cli&device_code="
                    + java.net.URLEncoder.encode(
                        auth.path("device_code").asText(), StandardCharsets.UTF_8),
                form,
                null));
    return tokens.path("id_token").asText();
  }

  private static JsonNode exchange(String subjectToken, String type) throws IOException {
    JsonNode r = exchangeRaw(subjectToken, type);
    assertThat(r.has("sessionToken")).as(r.toString()).isTrue();
    return r;
  }

  private static JsonNode exchangeRaw(String subjectToken, String type) throws IOException {
    String body =
        Json.mapper()
            .writeValueAsString(
                new TokenExchangeRequest(TokenExchangeRequest.GRANT_TYPE, subjectToken, type));
    return json(
        broker.send(
            "POST",
            "/v1/auth/token",
            body,
            "application/json",
            null,
            Map.of("DPoP", broker.proof("POST", broker.url() + "/v1/auth/token", null))));
  }

  private static HandshakeReply handshake(String grantToken, String session) throws IOException {
    return raw(broker.handshake(grantToken, session));
  }

  private static HandshakeReply raw(io.hoop.tunnel.protocol.Handshake h) throws IOException {
    try (RawTunnel t = new RawTunnel(broker.port(), broker.fingerprint())) {
      t.magic();
      t.frame(Json.mapper().writeValueAsBytes(h));
      return t.reply();
    }
  }

  /** GET /v1/whoami with these request headers. */
  private static String whoami(Map<String, String> headers) throws IOException {
    return broker.send("GET", "/v1/whoami", null, null, null, headers);
  }

  private static JsonNode get(String path, String session) throws IOException {
    JsonNode r = json(broker.send("GET", path, null, null, session));
    assertThat(r.has("error")).as(r.toString()).isFalse();
    return r;
  }

  private static String code(String body) throws IOException {
    return json(body).path("error").path("code").asText();
  }

  private static JsonNode json(String body) throws IOException {
    return Json.mapper().readTree(body);
  }
}
