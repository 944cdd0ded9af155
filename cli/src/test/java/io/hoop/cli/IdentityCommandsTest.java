package io.hoop.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.hoop.api.Json;
import io.hoop.cli.auth.FakeIdp;
import io.hoop.cli.config.Credentials;
import io.hoop.cli.config.LoginSource;
import io.hoop.cli.config.Profile;
import io.hoop.cli.config.ProfileStore;
import io.hoop.cli.identity.DpopKey;
import io.hoop.cli.identity.Proofs;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Holder-bound sessions, renewal, profiles, HOOP_TOKEN and logout, in-process against a fake HTTPS
 * broker and a fake identity provider on real sockets.
 */
class IdentityCommandsTest extends FakeBrokerCase {
  private static final String TARGETS = "{\"targets\":[]}";

  @BeforeEach
  void start() {
    env = new HashMap<>(Map.of("HOOP_CONFIG_DIR", tmp.resolve("cfg").toString()));
  }

  private ProfileStore store(String name) {
    return new ProfileStore(tmp.resolve("cfg/profiles/" + name), name);
  }

  private DpopKey boundLogin(String profile, Instant expires, String refreshToken, String issuer) {
    ProfileStore store = store(profile);
    store.saveProfile(new Profile(broker.url(), broker.fingerprint(), null, issuer, "hoop-cli"));
    DpopKey key = DpopKey.generate();
    store.saveKey(key);
    store.saveCredentials(
        new Credentials(
            "sess-token", expires, refreshToken, "alice", key.thumbprint(), LoginSource.device()));
    return key;
  }

  /** Runs hoop login against the fake broker with its certificate pinned, plus these arguments. */
  private CliRunner.Result pinnedLogin(String... more) {
    return hoop(
        Stream.concat(
                Stream.of("login", "--broker", broker.url(), "--fingerprint", broker.fingerprint()),
                Arrays.stream(more))
            .toArray(String[]::new));
  }

  private static String session(String token) {
    return "{\"sessionToken\":\""
        + token
        + "\",\"expiresAt\":\"2099-01-01T00:00:00Z\",\"principal\":{\"name\":\"alice\","
        + "\"groups\":[\"engineering\"],\"loginMethod\":\"oidc-device\"},\"tokenType\":\"DPoP\"}";
  }

  @Test
  void boundSessionSendsItsTokenAsDpopWithAProofSignedByTheProfileKey() throws Exception {
    DpopKey key = boundLogin("default", Instant.now().plusSeconds(3600), "rt", null);
    broker.on("GET /v1/targets", 200, TARGETS);
    CliRunner.Result r = hoop("targets");
    assertThat(r.exitCode()).as(r.err()).isZero();
    FakeBroker.Request request = broker.requests.get(0);
    assertThat(request.authorization()).isEqualTo("DPoP sess-token");
    SignedJWT proof = SignedJWT.parse(request.dpop());
    JWK jwk = proof.getHeader().getJWK();
    assertThat(jwk.computeThumbprint().toString()).isEqualTo(key.thumbprint());
    assertThat(Proofs.verifies(proof, jwk)).isTrue();
    JWTClaimsSet claims = proof.getJWTClaimsSet();
    assertThat(claims.getStringClaim("htm")).isEqualTo("GET");
    assertThat(claims.getStringClaim("htu")).isEqualTo(broker.url() + "/v1/targets");
    assertThat(claims.getStringClaim("ath")).isEqualTo(DpopKey.ath("sess-token"));
  }

  @Test
  void expiredLoginThatCannotBeRenewedExits6AndNamesTheProfile() {
    boundLogin("staging", Instant.now().minusSeconds(5), null, null);
    for (String[] args :
        new String[][] {{"--profile", "staging", "targets"}, {"targets", "--profile", "staging"}}) {
      CliRunner.Result r = hoop(args);
      assertThat(r.exitCode()).isEqualTo(6);
      assertThat(r.err())
          .startsWith("hoop: your login to " + broker.url() + " expired at ")
          .endsWith("; run hoop login --profile staging\n");
    }
    env.put("HOOP_PROFILE", "staging");
    assertThat(hoop("whoami").err()).contains("run hoop login --profile staging");
    assertThat(broker.requests).isEmpty();
  }

  @Test
  void sessionNearExpiryIsRenewedWithTheRefreshTokenAndTheSameKey() throws Exception {
    try (FakeIdp idp = new FakeIdp()) {
      DpopKey key = boundLogin("default", Instant.now().plusSeconds(30), "rt-1", idp.url());
      idp.thenToken(200, "{\"id_token\":\"idt-2\",\"refresh_token\":\"rt-2\"}");
      broker.on("POST /v1/auth/token", 200, session("sess-2"));
      broker.on("GET /v1/targets", 200, TARGETS);
      CliRunner.Result r = hoop("targets");
      assertThat(r.exitCode()).as(r.err()).isZero();

      assertThat(idp.tokenForms())
          .singleElement()
          .asString()
          .contains("grant_type=refresh_token")
          .contains("refresh_token=rt-1")
          .contains("client_id=hoop-cli");
      FakeBroker.Request exchange = broker.requests.get(0);
      assertThat(exchange.path()).isEqualTo("/v1/auth/token");
      assertThat(Json.mapper().readTree(exchange.body()).get("subjectToken").asText())
          .isEqualTo("idt-2");
      assertThat(
              SignedJWT.parse(exchange.dpop()).getHeader().getJWK().computeThumbprint().toString())
          .isEqualTo(key.thumbprint());
      assertThat(broker.requests.get(1).authorization()).isEqualTo("DPoP sess-2");

      Credentials stored = store("default").credentials().orElseThrow();
      assertThat(stored.sessionToken()).isEqualTo("sess-2");
      assertThat(stored.refreshToken()).isEqualTo("rt-2");
      assertThat(stored.keyThumbprint()).isEqualTo(key.thumbprint());
    }
  }

  @Test
  void expiredSessionWhoseRefreshIsRefusedExits6() throws Exception {
    try (FakeIdp idp = new FakeIdp()) {
      boundLogin("default", Instant.now().minusSeconds(5), "rt-1", idp.url());
      idp.thenError("invalid_grant");
      CliRunner.Result r = hoop("targets");
      assertThat(r.exitCode()).isEqualTo(6);
      assertThat(r.err())
          .startsWith("hoop: your login to " + broker.url() + " expired")
          .endsWith("; run hoop login\n");
      assertThat(broker.requests).isEmpty();
    }
  }

  @Test
  void unreachableIdentityProviderStillLetsANearlyExpiredSessionWork() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    boundLogin("default", Instant.now().plusSeconds(60), "rt-1", "http://127.0.0.1:" + closed);
    broker.on("GET /v1/targets", 200, TARGETS);
    CliRunner.Result r = hoop("targets");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(broker.requests.get(0).authorization()).isEqualTo("DPoP sess-token");
  }

  @Test
  void credentialsCopiedWithoutTheirKeyAreRefused() throws Exception {
    boundLogin("default", Instant.now().plusSeconds(3600), "rt", null);
    ProfileStore copy = store("copy");
    copy.saveProfile(store("default").profile().orElseThrow());
    Files.copy(store("default").credentialsFile(), copy.credentialsFile());
    CliRunner.Result r = hoop("--profile", "copy", "targets");
    assertThat(r.exitCode()).isEqualTo(6);
    assertThat(r.err())
        .contains("is bound to a key that is not in " + copy.keyFile())
        .contains("run hoop login --profile copy");

    copy.saveKey(DpopKey.generate());
    CliRunner.Result other = hoop("--profile", "copy", "targets");
    assertThat(other.exitCode()).isEqualTo(6);
    assertThat(other.err()).contains("is bound to another key");
    assertThat(broker.requests).isEmpty();
  }

  @Test
  void hoopTokenNeedsNoLoginAndStoresNothing() {
    env.put("HOOP_TOKEN", "admin-minted");
    env.put("HOOP_BROKER", broker.url());
    env.put("HOOP_BROKER_FINGERPRINT", broker.fingerprint());
    broker.on("GET /v1/targets", 200, TARGETS);
    CliRunner.Result r = hoop("targets");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(broker.requests.get(0).authorization()).isEqualTo("Bearer admin-minted");
    assertThat(broker.requests.get(0).dpop()).isNull();
    assertThat(tmp.resolve("cfg")).doesNotExist();

    env.remove("HOOP_BROKER");
    CliRunner.Result missing = hoop("targets");
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.err()).contains("HOOP_BROKER is not");
  }

  @Test
  void whoamiJsonShowsHowAndWithWhichKey() throws Exception {
    DpopKey key = boundLogin("default", Instant.now().plusSeconds(3600), "rt", null);
    broker.on(
        "GET /v1/whoami",
        200,
        "{\"principal\":{\"name\":\"alice\",\"groups\":[\"engineering\"],"
            + "\"loginMethod\":\"oidc-device\"},\"issuer\":\"https://idp\","
            + "\"sessionExpiresAt\":\"2099-01-01T00:00:00Z\",\"keyThumbprint\":\""
            + key.thumbprint()
            + "\"}");
    CliRunner.Result r = hoop("whoami", "-o", "json");
    assertThat(r.exitCode()).as(r.err()).isZero();
    JsonNode json = Json.mapper().readTree(r.out());
    assertThat(json.get("principal").asText()).isEqualTo("alice");
    assertThat(json.get("loginMethod").asText()).isEqualTo("oidc-device");
    assertThat(json.get("keyThumbprint").asText()).isEqualTo(key.thumbprint());
    assertThat(json.get("profile").asText()).isEqualTo("default");
    assertThat(json.get("broker").asText()).isEqualTo(broker.url());
    assertThat(r.out()).doesNotContain("sess-token");
    assertThat(hoop("whoami").out()).containsPattern("bound key\\s+" + key.thumbprint());
  }

  @Test
  void logoutWorksOfflineWithAWarningAndAllLogsOutOfEveryProfile() throws Exception {
    boundLogin("default", Instant.now().plusSeconds(3600), "rt", null);
    boundLogin("staging", Instant.now().plusSeconds(3600), "rt", null);
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    store("staging")
        .saveProfile(
            new Profile("https://127.0.0.1:" + closed, broker.fingerprint(), null, null, null));
    broker.on("POST /v1/auth/logout", 204, "");
    CliRunner.Result r = hoop("logout", "--all");
    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.err())
        .contains("Logged out of " + broker.url() + " (profile default).")
        .contains("warning: could not revoke the session at https://127.0.0.1:" + closed)
        .contains("(profile staging).");
    assertThat(broker.requests)
        .singleElement()
        .extracting(FakeBroker.Request::path)
        .isEqualTo("/v1/auth/logout");
    for (String p : new String[] {"default", "staging"}) {
      assertThat(store(p).credentials()).as(p).isEmpty();
      assertThat(store(p).keyFile()).as(p).doesNotExist();
    }
    CliRunner.Result who = hoop("whoami");
    assertThat(who.exitCode()).isEqualTo(6);
  }

  @Test
  void clientSecretFileReadableByOthersIsRefusedBeforeAnyRequest() throws Exception {
    Path secret = tmp.resolve("secret");
    Files.writeString(secret, "s3cret");
    Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-r--r--"));
    CliRunner.Result r =
        pinnedLogin("--client-id", "ci-bot", "--client-secret-file", secret.toString());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("chmod 600 " + secret).doesNotContain("s3cret");
    assertThat(broker.requests).isEmpty();

    CliRunner.Result half = hoop("login", "--broker", broker.url(), "--client-id", "ci-bot");
    assertThat(half.exitCode()).isEqualTo(2);
    assertThat(half.err()).contains("need both --client-id ID and --client-secret-file FILE");
  }

  @Test
  void clientCredentialsLoginExchangesTheAccessTokenAndRemembersOnlyTheSecretPath()
      throws Exception {
    try (FakeIdp idp = new FakeIdp()) {
      Path secret = tmp.resolve("secret");
      Files.writeString(secret, "s3cret\n");
      Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("r--------"));
      broker.on(
          "GET /v1/auth/config",
          200,
          "{\"issuer\":\"" + idp.url() + "\",\"clientId\":\"hoop-cli\",\"dev\":true}");
      idp.thenToken(200, "{\"access_token\":\"at-1\",\"token_type\":\"Bearer\"}");
      broker.on("POST /v1/auth/token", 200, session("sess-cc"));
      CliRunner.Result r =
          pinnedLogin("--client-id", "ci-bot", "--client-secret-file", secret.toString());
      assertThat(r.exitCode()).as(r.err()).isZero();
      assertThat(idp.tokenForms())
          .singleElement()
          .asString()
          .isEqualTo("grant_type=client_credentials");
      JsonNode body = Json.mapper().readTree(broker.requests.get(1).body());
      assertThat(body.get("subjectToken").asText()).isEqualTo("at-1");
      assertThat(body.get("subjectTokenType").asText())
          .isEqualTo("urn:ietf:params:oauth:token-type:access_token");
      String stored = Files.readString(store("default").credentialsFile());
      assertThat(stored).contains(secret.toString()).doesNotContain("s3cret");
    }
  }

  @Test
  void federatedTokenFileIsExchangedAsAJwt() throws Exception {
    Path token = tmp.resolve("k8s-token");
    Files.writeString(token, "header.payload.sig\n");
    broker.on("GET /v1/auth/config", 200, "{\"dev\":false}");
    broker.on("POST /v1/auth/token", 200, session("sess-fed"));
    CliRunner.Result r = pinnedLogin("--federated-token-file", token.toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    JsonNode body = Json.mapper().readTree(broker.requests.get(1).body());
    assertThat(body.get("subjectToken").asText()).isEqualTo("header.payload.sig");
    assertThat(body.get("subjectTokenType").asText())
        .isEqualTo("urn:ietf:params:oauth:token-type:jwt");
    assertThat(store("default").credentials().orElseThrow().source().tokenFile())
        .isEqualTo(token.toAbsolutePath().toString());
  }

  @Test
  void federatedTokenFromAVariableIsReadAgainOnRenewal() throws Exception {
    env.put("CI_JOB_JWT", "first.jwt.token");
    broker.on("GET /v1/auth/config", 200, "{\"dev\":false}");
    broker.on(
        "POST /v1/auth/token",
        200,
        "{\"sessionToken\":\"sess-short\",\"expiresAt\":\""
            + Instant.now().plusSeconds(60)
            + "\",\"principal\":{\"name\":\"ci:acme\",\"loginMethod\":\"federated\"},"
            + "\"tokenType\":\"DPoP\"}");
    CliRunner.Result login = pinnedLogin("--federated-token-env", "CI_JOB_JWT");
    assertThat(login.exitCode()).as(login.err()).isZero();
    assertThat(Files.readString(store("default").credentialsFile()))
        .contains("CI_JOB_JWT")
        .doesNotContain("first.jwt.token");

    // A minute left: the next command renews with the variable's current value.
    env.put("CI_JOB_JWT", "second.jwt.token");
    broker.on("POST /v1/auth/token", 200, session("sess-renewed"));
    broker.on("GET /v1/targets", 200, TARGETS);
    CliRunner.Result r = hoop("targets");
    assertThat(r.exitCode()).as(r.err()).isZero();
    JsonNode renewal = Json.mapper().readTree(broker.requests.get(2).body());
    assertThat(renewal.get("subjectToken").asText()).isEqualTo("second.jwt.token");
    assertThat(broker.requests.get(3).authorization()).isEqualTo("DPoP sess-renewed");
  }

  @Test
  void githubActionsIsDetectedAndAsksForTheBrokersAudience() throws Exception {
    java.util.List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    com.sun.net.httpserver.HttpServer github =
        com.sun.net.httpserver.HttpServer.create(
            new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    github.createContext(
        "/token",
        ex -> {
          seen.add(
              ex.getRequestURI().getRawQuery()
                  + " "
                  + ex.getRequestHeaders().getFirst("Authorization"));
          byte[] body =
              "{\"value\":\"gh.oidc.jwt\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
          ex.sendResponseHeaders(200, body.length);
          ex.getResponseBody().write(body);
          ex.close();
        });
    github.start();
    try {
      env.put(
          "ACTIONS_ID_TOKEN_REQUEST_URL",
          "http://127.0.0.1:" + github.getAddress().getPort() + "/token?api-version=2.0");
      env.put("ACTIONS_ID_TOKEN_REQUEST_TOKEN", "gh-request-token");
      broker.on(
          "GET /v1/auth/config",
          200,
          "{\"dev\":false,\"federation\":[{\"name\":\"gh\","
              + "\"issuer\":\"https://token.actions.githubusercontent.com\","
              + "\"audience\":\"hoop-prod\"}]}");
      broker.on("POST /v1/auth/token", 200, session("sess-gh"));
      CliRunner.Result r = pinnedLogin();
      assertThat(r.exitCode()).as(r.err()).isZero();
      assertThat(r.err()).contains("GitHub Actions detected");
      assertThat(seen)
          .containsExactly("api-version=2.0&audience=hoop-prod Bearer gh-request-token");
      JsonNode body = Json.mapper().readTree(broker.requests.get(1).body());
      assertThat(body.get("subjectToken").asText()).isEqualTo("gh.oidc.jwt");
      assertThat(body.get("subjectTokenType").asText())
          .isEqualTo("urn:ietf:params:oauth:token-type:jwt");
      assertThat(store("default").credentials().orElseThrow().source().githubAudience())
          .isEqualTo("hoop-prod");
    } finally {
      github.stop(0);
    }
  }

  @Test
  void unreachableIdentityProviderIsNamed() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    String issuer = "http://127.0.0.1:" + closed + "/realms/acme";
    broker.on(
        "GET /v1/auth/config",
        200,
        "{\"issuer\":\"" + issuer + "\",\"clientId\":\"hoop-cli\",\"dev\":false}");
    CliRunner.Result r = pinnedLogin("--no-browser");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err())
        .isEqualTo(
            "hoop: cannot reach identity provider at "
                + issuer
                + "/.well-known/openid-configuration: connection refused\n");
  }
}
