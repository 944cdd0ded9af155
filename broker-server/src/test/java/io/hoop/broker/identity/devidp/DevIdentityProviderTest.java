package io.hoop.broker.identity.devidp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.hoop.api.Json;
import io.hoop.broker.http.ApiRequest;
import io.hoop.broker.http.ApiResponse;
import io.hoop.broker.http.Route;
import io.hoop.broker.identity.TestClock;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class DevIdentityProviderTest {
  static final String ISSUER = "https://127.0.0.1:8443/dev-idp";
  static final String DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";
  static final List<DevUser> USERS =
      List.of(
          new DevUser("alice", "alice@example.test", List.of("dev", "oncall")),
          new DevUser("bob", "bob@example.test", List.of()));

  final TestClock clock = new TestClock(Instant.parse("2026-01-01T10:00:00Z"));
  DevIdentityProvider idp = provider(Duration.ofMinutes(10));
  Map<String, Route> routes = idp.routes();

  DevIdentityProvider provider(Duration ttl) {
    return new DevIdentityProvider(ISSUER, "hoop-cli", USERS, ttl, Duration.ofSeconds(5), clock);
  }

  @Test
  void routesAreAbsoluteUnderTheIssuerPath() {
    assertThat(routes.keySet())
        .containsExactlyInAnyOrder(
            "GET /dev-idp/.well-known/openid-configuration",
            "GET /dev-idp/jwks",
            "POST /dev-idp/device/authorize",
            "GET /dev-idp/device",
            "POST /dev-idp/device",
            "POST /dev-idp/token",
            "POST /dev-idp/revoke");
  }

  @Test
  void aProofAtSignInBindsTheRefreshTokenToItsKey() throws Exception {
    ECKey mine = new ECKeyGenerator(Curve.P_256).generate();
    ECKey other = new ECKeyGenerator(Curve.P_256).generate();
    JsonNode auth = authorize("openid offline_access");
    assertThat(decide(auth.path("user_code").asText(), "alice", "approve").status()).isEqualTo(200);
    JsonNode tokens =
        json(
            withProof(
                mine,
                Map.of(
                    "grant_type",
                    DEVICE_GRANT,
                    "device_code",
                    auth.path("device_code").asText(),
                    "client_id",
                    "hoop-cli")),
            200);
    String jkt = mine.computeThumbprint().toString();
    assertThat(tokens.path("token_type").asText()).isEqualTo("DPoP");
    JWTClaimsSet access = verifiedClaims(tokens.path("access_token").asText());
    assertThat(access.getJSONObjectClaim("cnf")).containsEntry("jkt", jkt);
    String refresh = tokens.path("refresh_token").asText();
    Map<String, String> form =
        Map.of("grant_type", "refresh_token", "refresh_token", refresh, "client_id", "hoop-cli");

    // Without a proof, with another key's proof, with a proof for another endpoint, or a replayed
    // one: refused, and the token stays the holder's.
    assertOAuthError(token(form), 400, "invalid_grant");
    assertOAuthError(withProof(other, form), 400, "invalid_grant");
    String proof = proof(mine, "POST", ISSUER + "/revoke");
    assertOAuthError(withHeader(proof, form), 400, "invalid_dpop_proof");
    String once = proof(mine, "POST", ISSUER + "/token");
    JsonNode renewed = json(withHeader(once, form), 200);
    assertThat(renewed.path("token_type").asText()).isEqualTo("DPoP");
    assertOAuthError(
        withHeader(
            once,
            Map.of(
                "grant_type",
                "refresh_token",
                "refresh_token",
                renewed.path("refresh_token").asText())),
        400,
        "invalid_dpop_proof");
    // The rotated token is bound to the same key.
    Map<String, String> next =
        Map.of(
            "grant_type", "refresh_token", "refresh_token", renewed.path("refresh_token").asText());
    assertOAuthError(token(next), 400, "invalid_grant");
    json(withProof(mine, next), 200);
  }

  @Test
  void aRevokedRefreshTokenIsRefusedEvenWithItsKey() throws Exception {
    ECKey mine = new ECKeyGenerator(Curve.P_256).generate();
    JsonNode auth = authorize("openid offline_access");
    decide(auth.path("user_code").asText(), "alice", "approve");
    String refresh =
        json(
                withProof(
                    mine,
                    Map.of(
                        "grant_type",
                        DEVICE_GRANT,
                        "device_code",
                        auth.path("device_code").asText(),
                        "client_id",
                        "hoop-cli")),
                200)
            .path("refresh_token")
            .asText();
    assertThat(
            call(
                    "POST",
                    "/dev-idp/revoke",
                    Map.of(
                        "token",
                        refresh,
                        "token_type_hint",
                        "refresh_token",
                        "client_id",
                        "hoop-cli"))
                .status())
        .isEqualTo(200);
    assertOAuthError(
        withProof(mine, Map.of("grant_type", "refresh_token", "refresh_token", refresh)),
        400,
        "invalid_grant");
    // Unknown tokens are "revoked" too (RFC 7009 section 2.2).
    assertThat(call("POST", "/dev-idp/revoke", Map.of("token", "nope")).status()).isEqualTo(200);
  }

  @Test
  void aDisabledUserCanNeitherRefreshNorSignIn() throws Exception {
    String refresh = signIn("alice").path("refresh_token").asText();
    JsonNode pending = authorize("openid");
    decide(pending.path("user_code").asText(), "alice", "approve");
    idp.updateUsers(USERS, java.util.Set.of("alice"));

    ApiResponse refused = token(Map.of("grant_type", "refresh_token", "refresh_token", refresh));
    assertOAuthError(refused, 400, "invalid_grant");
    assertThat(text(refused)).contains("alice is disabled");
    // A code approved before the user was disabled gives nothing either.
    assertOAuthError(pollToken(pending.path("device_code").asText()), 400, "invalid_grant");
    JsonNode auth = authorize("openid");
    assertThat(decide(auth.path("user_code").asText(), "alice", "approve").status()).isEqualTo(403);
    assertThat(text(call("GET", "/dev-idp/device", Map.of()))).doesNotContain("alice");
    // Bob is untouched; re-enabling alice lets her sign in again.
    signIn("bob");
    idp.updateUsers(USERS, java.util.Set.of());
    signIn("alice");
  }

  ApiResponse withProof(ECKey key, Map<String, String> form) throws Exception {
    return withHeader(proof(key, "POST", ISSUER + "/token"), form);
  }

  ApiResponse withHeader(String proof, Map<String, String> form) throws Exception {
    String body =
        form.entrySet().stream()
            .map(
                e ->
                    URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                        + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
            .collect(Collectors.joining("&"));
    return routes
        .get("POST /dev-idp/token")
        .handle(
            new ApiRequest(
                "POST",
                "/dev-idp/token",
                Map.of(),
                Map.of("content-type", "application/x-www-form-urlencoded", "dpop", proof),
                body.getBytes(StandardCharsets.UTF_8),
                new InetSocketAddress("127.0.0.1", 50000),
                "https://127.0.0.1:8443"));
  }

  String proof(ECKey key, String method, String htu) throws Exception {
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.ES256)
                .type(new JOSEObjectType("dpop+jwt"))
                .jwk(key.toPublicJWK())
                .build(),
            new JWTClaimsSet.Builder()
                .jwtID(java.util.UUID.randomUUID().toString())
                .claim("htm", method)
                .claim("htu", htu)
                .issueTime(java.util.Date.from(clock.instant()))
                .build());
    jwt.sign(new ECDSASigner(key));
    return jwt.serialize();
  }

  @Test
  void clientCredentialsGiveAnRs256AccessTokenForTheBroker() throws Exception {
    DevIdentityProvider withClient =
        new DevIdentityProvider(
            ISSUER,
            "hoop-cli",
            USERS,
            List.of(new DevClient("ci-bot", "s3cret-s3cret-s3cret", List.of("ci"))),
            Duration.ofMinutes(10),
            Duration.ofSeconds(5),
            clock);
    idp = withClient;
    routes = withClient.routes();

    JsonNode form =
        json(
            call(
                "POST",
                "/dev-idp/token",
                Map.of(
                    "grant_type", "client_credentials",
                    "client_id", "ci-bot",
                    "client_secret", "s3cret-s3cret-s3cret")),
            200);
    JWTClaimsSet c = verifiedClaims(form.path("access_token").asText());
    assertThat(c.getIssuer()).isEqualTo(ISSUER);
    assertThat(c.getAudience()).containsExactly("hoop-cli");
    assertThat(c.getSubject()).isEqualTo("ci-bot");
    assertThat(c.getStringClaim("client_id")).isEqualTo("ci-bot");
    assertThat(c.getStringListClaim("groups")).containsExactly("ci");
    assertThat(form.path("token_type").asText()).isEqualTo("Bearer");

    String basic =
        java.util.Base64.getEncoder()
            .encodeToString("ci-bot:s3cret-s3cret-s3cret".getBytes(StandardCharsets.UTF_8));
    ApiResponse viaBasic =
        routes
            .get("POST /dev-idp/token")
            .handle(
                new ApiRequest(
                    "POST",
                    "/dev-idp/token",
                    Map.of(),
                    Map.of("authorization", "Basic " + basic),
                    "grant_type=client_credentials".getBytes(StandardCharsets.UTF_8),
                    new InetSocketAddress("127.0.0.1", 50000),
                    "https://127.0.0.1:8443"));
    assertThat(verifiedClaims(json(viaBasic, 200).path("access_token").asText()).getSubject())
        .isEqualTo("ci-bot");

    assertOAuthError(
        call(
            "POST",
            "/dev-idp/token",
            Map.of(
                "grant_type", "client_credentials",
                "client_id", "ci-bot",
                "client_secret", "wrong-wrong-wrong-wrong")),
        401,
        "invalid_client");
    assertOAuthError(
        call(
            "POST",
            "/dev-idp/token",
            Map.of(
                "grant_type", "client_credentials", "client_id", "nobody", "client_secret", "x")),
        401,
        "invalid_client");
  }

  @Test
  void discoveryDocumentDescribesTheProvider() throws Exception {
    JsonNode d = json(call("GET", "/dev-idp/.well-known/openid-configuration", Map.of()), 200);

    assertThat(d.path("issuer").asText()).isEqualTo(ISSUER);
    assertThat(d.path("jwks_uri").asText()).isEqualTo(ISSUER + "/jwks");
    assertThat(d.path("device_authorization_endpoint").asText())
        .isEqualTo(ISSUER + "/device/authorize");
    assertThat(d.path("token_endpoint").asText()).isEqualTo(ISSUER + "/token");
    assertThat(d.path("revocation_endpoint").asText()).isEqualTo(ISSUER + "/revoke");
    assertThat(d.path("dpop_signing_alg_values_supported").toString()).contains("EdDSA", "ES256");
    assertThat(d.path("id_token_signing_alg_values_supported").toString()).isEqualTo("[\"RS256\"]");
    assertThat(d.path("grant_types_supported").toString())
        .contains(DEVICE_GRANT)
        .contains("refresh_token");
    assertThat(d.path("token_endpoint_auth_methods_supported").toString())
        .isEqualTo("[\"none\",\"client_secret_post\",\"client_secret_basic\"]");
    assertThat(d.path("scopes_supported").toString()).contains("openid");
    assertThat(d.path("claims_supported").toString()).contains("groups", "preferred_username");
    assertThat(d.has("response_types_supported")).isTrue();
    assertThat(d.has("subject_types_supported")).isTrue();
  }

  @Test
  void jwksServesOnlyThePublicSigningKey() throws Exception {
    JsonNode keys = json(call("GET", "/dev-idp/jwks", Map.of()), 200).path("keys");

    assertThat(keys).hasSize(1);
    RSAKey key = RSAKey.parse(keys.get(0).toString());
    assertThat(key.isPrivate()).isFalse();
    assertThat(key.size()).isEqualTo(2048);
    assertThat(key.getKeyID()).isNotBlank();
    assertThat(key.getKeyUse().identifier()).isEqualTo("sig");
    assertThat(key.getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);
  }

  @Test
  void deviceFlowFromAuthorizeToApprovedIdToken() throws Exception {
    JsonNode auth = authorize("openid profile email groups bogus");
    String deviceCode = auth.path("device_code").asText();
    String userCode = auth.path("user_code").asText();
    assertThat(deviceCode).matches("[A-Za-z0-9_-]{43}");
    assertThat(userCode).matches("[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}");
    assertThat(auth.path("verification_uri").asText()).isEqualTo(ISSUER + "/device");
    assertThat(auth.path("verification_uri_complete").asText())
        .isEqualTo(ISSUER + "/device?user_code=" + userCode);
    assertThat(auth.path("expires_in").asLong()).isEqualTo(600);
    assertThat(auth.path("interval").asLong()).isEqualTo(5);

    assertOAuthError(pollToken(deviceCode), 400, "authorization_pending");
    assertOAuthError(pollToken(deviceCode), 400, "slow_down");
    clock.advance(Duration.ofSeconds(6));
    // slow_down raised the interval to 10 s, and that poll counted as a poll.
    assertOAuthError(pollToken(deviceCode), 400, "slow_down");
    clock.advance(Duration.ofSeconds(16));
    assertOAuthError(pollToken(deviceCode), 400, "authorization_pending");

    ApiResponse page = decide(userCode, "alice", "approve");
    assertThat(page.status()).isEqualTo(200);
    assertThat(text(page)).contains("Signed in as alice. You can return to your terminal.");
    Instant approvedAt = clock.instant();
    clock.advance(Duration.ofSeconds(20));

    ApiResponse ok = pollToken(deviceCode);
    JsonNode tokens = json(ok, 200);
    assertThat(ok.headers()).containsEntry("Cache-Control", "no-store");
    assertThat(tokens.path("token_type").asText()).isEqualTo("Bearer");
    assertThat(tokens.path("expires_in").asLong()).isEqualTo(300);
    assertThat(tokens.path("access_token").asText()).isNotBlank();
    assertThat(tokens.path("refresh_token").asText()).isNotBlank();
    assertThat(tokens.path("scope").asText()).isEqualTo("openid profile email groups");

    JWTClaimsSet claims = verifiedClaims(tokens.path("id_token").asText());
    Instant now = clock.instant();
    assertThat(claims.getIssuer()).isEqualTo(ISSUER);
    assertThat(claims.getSubject()).isEqualTo("alice");
    assertThat(claims.getAudience()).containsExactly("hoop-cli");
    assertThat(claims.getExpirationTime().toInstant()).isEqualTo(now.plusSeconds(300));
    assertThat(claims.getIssueTime().toInstant()).isEqualTo(now);
    assertThat(claims.getNotBeforeTime().toInstant()).isEqualTo(now);
    assertThat(claims.getLongClaim("auth_time")).isEqualTo(approvedAt.getEpochSecond());
    assertThat(claims.getStringClaim("preferred_username")).isEqualTo("alice");
    assertThat(claims.getStringClaim("email")).isEqualTo("alice@example.test");
    assertThat(claims.getStringListClaim("groups")).containsExactly("dev", "oncall");
    assertThat(claims.getJWTID()).isNotBlank();

    assertOAuthError(pollToken(deviceCode), 400, "invalid_grant");
    // The code is spent: the page can no longer use it either.
    assertThat(decide(userCode, "bob", "approve").status()).isEqualTo(400);
  }

  @Test
  void refreshTokenGivesAFreshIdTokenAndRotates() throws Exception {
    JsonNode first = signIn("bob");
    String refresh = first.path("refresh_token").asText();
    clock.advance(Duration.ofMinutes(30));

    JsonNode second =
        json(
            token(
                Map.of(
                    "grant_type",
                    "refresh_token",
                    "refresh_token",
                    refresh,
                    "client_id",
                    "hoop-cli")),
            200);

    JWTClaimsSet claims = verifiedClaims(second.path("id_token").asText());
    assertThat(claims.getSubject()).isEqualTo("bob");
    assertThat(claims.getExpirationTime().toInstant()).isEqualTo(clock.instant().plusSeconds(300));
    assertThat(second.path("refresh_token").asText()).isNotEqualTo(refresh);
    assertOAuthError(
        token(Map.of("grant_type", "refresh_token", "refresh_token", refresh)),
        400,
        "invalid_grant");
    json(
        token(
            Map.of(
                "grant_type",
                "refresh_token",
                "refresh_token",
                second.path("refresh_token").asText())),
        200);
  }

  @Test
  void deniedCodeYieldsAccessDenied() throws Exception {
    JsonNode auth = authorize("openid");
    ApiResponse page = decide(auth.path("user_code").asText(), "", "deny");

    assertThat(page.status()).isEqualTo(200);
    assertThat(text(page)).contains("Sign-in denied.");
    assertOAuthError(pollToken(auth.path("device_code").asText()), 400, "access_denied");
    ApiResponse again = decide(auth.path("user_code").asText(), "alice", "approve");
    assertThat(again.status()).isEqualTo(400);
    assertThat(text(again)).contains("already used");
  }

  @Test
  void expiredCodeYieldsExpiredToken() throws Exception {
    idp = provider(Duration.ofSeconds(1));
    routes = idp.routes();
    JsonNode auth = authorize("openid");
    assertThat(auth.path("expires_in").asLong()).isEqualTo(1);
    clock.advance(Duration.ofSeconds(2));

    assertOAuthError(pollToken(auth.path("device_code").asText()), 400, "expired_token");
    ApiResponse page = decide(auth.path("user_code").asText(), "alice", "approve");
    assertThat(page.status()).isEqualTo(400);
    assertThat(text(page)).contains("has expired");
  }

  @Test
  void unknownClientIsRefused() throws Exception {
    assertOAuthError(
        call("POST", "/dev-idp/device/authorize", Map.of("client_id", "evil", "scope", "openid")),
        401,
        "invalid_client");
    String deviceCode = authorize("openid").path("device_code").asText();
    assertOAuthError(
        token(Map.of("grant_type", DEVICE_GRANT, "device_code", deviceCode, "client_id", "evil")),
        401,
        "invalid_client");
  }

  @Test
  void missingOrWrongParametersAreReported() throws Exception {
    assertOAuthError(call("POST", "/dev-idp/device/authorize", Map.of()), 400, "invalid_request");
    assertOAuthError(token(Map.of()), 400, "invalid_request");
    assertOAuthError(
        token(Map.of("grant_type", DEVICE_GRANT, "client_id", "hoop-cli")), 400, "invalid_request");
    assertOAuthError(
        token(Map.of("grant_type", DEVICE_GRANT, "device_code", "x")), 400, "invalid_request");
    assertOAuthError(token(Map.of("grant_type", "refresh_token")), 400, "invalid_request");
    assertOAuthError(
        token(Map.of("grant_type", "password", "username", "a", "password", "b")),
        400,
        "unsupported_grant_type");
    assertOAuthError(
        token(Map.of("grant_type", DEVICE_GRANT, "device_code", "nope", "client_id", "hoop-cli")),
        400,
        "invalid_grant");
    ApiResponse malformed =
        request(
            "POST", "/dev-idp/token", Map.of(), "grant_type=%zz".getBytes(StandardCharsets.UTF_8));
    assertOAuthError(malformed, 400, "invalid_request");
  }

  @Test
  void userCodeIsMatchedIgnoringCaseAndDash() throws Exception {
    String a = authorize("openid").path("user_code").asText();
    String b = authorize("openid").path("user_code").asText();

    assertThat(decide(a.replace("-", "").toLowerCase(), "alice", "approve").status())
        .isEqualTo(200);
    assertThat(
            decide(
                    "  " + b.substring(0, 4).toLowerCase() + "-" + b.substring(5) + " ",
                    "bob",
                    "approve")
                .status())
        .isEqualTo(200);
    ApiResponse unknown = decide("BBBB-BBBB", "alice", "approve");
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(text(unknown)).contains("unknown");
  }

  @Test
  void verificationPageListsUsersAndEscapesInput() throws Exception {
    ApiResponse page =
        call("GET", "/dev-idp/device", Map.of("user_code", "\"><script>alert(1)</script>"));

    String html = text(page);
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.contentType()).startsWith("text/html");
    assertThat(html)
        .contains("hoop dev identity provider — for development only")
        .contains("alice", "bob")
        .contains("action=\"/dev-idp/device\"")
        .contains("name=\"action\" value=\"approve\"", "name=\"action\" value=\"deny\"")
        .contains("&quot;&gt;&lt;script&gt;")
        .doesNotContain("<script>");
  }

  @Test
  void hostileUsernameIsEscapedInTheErrorPage() throws Exception {
    String userCode = authorize("openid").path("user_code").asText();

    ApiResponse page = decide(userCode, "<script>alert('x')</script>", "approve");

    assertThat(page.status()).isEqualTo(400);
    assertThat(text(page))
        .contains("Unknown user &#39;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&#39;.")
        .contains("Configured users: alice, bob.")
        .doesNotContain("<script>");
  }

  @Test
  void outstandingCodesAreBounded() throws Exception {
    for (int i = 0; i < DeviceCodes.MAX_OUTSTANDING; i++) {
      authorize("openid");
    }
    assertOAuthError(
        call("POST", "/dev-idp/device/authorize", Map.of("client_id", "hoop-cli")),
        503,
        "temporarily_unavailable");

    clock.advance(Duration.ofMinutes(11));
    // The expired codes are swept, so new sign-ins are accepted again.
    authorize("openid");
  }

  // --- helpers -------------------------------------------------------------------------------

  JsonNode signIn(String user) throws Exception {
    JsonNode auth = authorize("openid offline_access");
    assertThat(decide(auth.path("user_code").asText(), user, "approve").status()).isEqualTo(200);
    return json(pollToken(auth.path("device_code").asText()), 200);
  }

  JsonNode authorize(String scope) throws Exception {
    return json(
        call("POST", "/dev-idp/device/authorize", Map.of("client_id", "hoop-cli", "scope", scope)),
        200);
  }

  ApiResponse pollToken(String deviceCode) throws Exception {
    return token(
        Map.of("grant_type", DEVICE_GRANT, "device_code", deviceCode, "client_id", "hoop-cli"));
  }

  ApiResponse token(Map<String, String> form) throws Exception {
    return call("POST", "/dev-idp/token", form);
  }

  ApiResponse decide(String userCode, String username, String action) throws Exception {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("user_code", userCode);
    form.put("username", username);
    form.put("action", action);
    return call("POST", "/dev-idp/device", form);
  }

  ApiResponse call(String method, String path, Map<String, String> params) throws Exception {
    if (method.equals("GET")) {
      return request(method, path, params, new byte[0]);
    }
    String body =
        params.entrySet().stream()
            .map(
                e ->
                    URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                        + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
            .collect(Collectors.joining("&"));
    return request(method, path, Map.of(), body.getBytes(StandardCharsets.UTF_8));
  }

  ApiResponse request(String method, String path, Map<String, String> query, byte[] body)
      throws Exception {
    Route route = routes.get(method + " " + path);
    assertThat(route).as("route %s %s", method, path).isNotNull();
    return route.handle(
        new ApiRequest(
            method,
            path,
            query,
            Map.of("content-type", "application/x-www-form-urlencoded"),
            body,
            new InetSocketAddress("127.0.0.1", 50000),
            "https://127.0.0.1:8443"));
  }

  JWTClaimsSet verifiedClaims(String idToken) throws Exception {
    SignedJWT jwt = SignedJWT.parse(idToken);
    RSAKey key = (RSAKey) idp.publicKeys().getKeyByKeyId(jwt.getHeader().getKeyID());
    assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);
    assertThat(jwt.verify(new RSASSAVerifier(key))).isTrue();
    return jwt.getJWTClaimsSet();
  }

  static void assertOAuthError(ApiResponse response, int status, String error) throws Exception {
    JsonNode body = json(response, status);
    assertThat(body.path("error").asText()).isEqualTo(error);
    assertThat(body.path("error_description").asText()).isNotBlank();
  }

  static JsonNode json(ApiResponse response, int status) throws Exception {
    assertThat(response.status()).as(text(response)).isEqualTo(status);
    assertThat(response.contentType()).startsWith("application/json");
    return Json.mapper().readTree(response.body());
  }

  static String text(ApiResponse response) {
    return new String(response.body(), StandardCharsets.UTF_8);
  }
}
