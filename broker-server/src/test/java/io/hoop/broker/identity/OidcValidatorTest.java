package io.hoop.broker.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.hoop.api.Json;
import io.hoop.broker.http.ApiResponse;
import io.hoop.broker.identity.devidp.DevIdentityProvider;
import io.hoop.broker.identity.devidp.DevUser;
import io.hoop.broker.tls.DevCertificate;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OidcValidatorTest {
  static final String CLIENT = "hoop-cli";

  @TempDir static Path dataDir;
  static DevCertificate cert;
  static TestHttpsServer server;
  static String issuer;
  static RSAKey k1;
  static ECKey e1;
  static KeyPair ed1;
  static final AtomicReference<JWKSet> published = new AtomicReference<>();
  static final java.util.concurrent.atomic.AtomicBoolean down =
      new java.util.concurrent.atomic.AtomicBoolean();

  final TestClock clock = new TestClock(Instant.parse("2026-03-01T12:00:00Z"));
  OidcValidator validator;

  @BeforeAll
  static void startIdentityProvider() throws Exception {
    cert = DevCertificate.loadOrCreate(dataDir);
    server = new TestHttpsServer(cert);
    issuer = server.baseUrl() + "/test-idp";
    k1 = new RSAKeyGenerator(2048).keyID("k1").generate();
    e1 = new ECKeyGenerator(Curve.P_256).keyID("e1").generate();
    ed1 = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    server.addRoutes(
        Map.of(
            "GET /test-idp/.well-known/openid-configuration",
            req -> ApiResponse.json(200, Map.of("issuer", issuer, "jwks_uri", issuer + "/jwks")),
            "GET /test-idp/jwks",
            req ->
                down.get()
                    ? ApiResponse.json(503, Map.of("error", "down"))
                    : ApiResponse.json(200, published.get().toJSONObject(true)),
            "GET /liar-idp/.well-known/openid-configuration",
            req ->
                ApiResponse.json(
                    200,
                    Map.of(
                        "issuer",
                        "https://elsewhere.example/liar-idp",
                        "jwks_uri",
                        issuer + "/jwks"))));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @BeforeEach
  void freshValidator() {
    down.set(false);
    published.set(new JWKSet(List.of(k1.toPublicJWK(), e1.toPublicJWK(), okp("ed1", ed1))));
    validator = validator(issuer, cert);
  }

  OidcValidator validator(String iss, DevCertificate trusted) {
    return new OidcValidator(
        iss,
        CLIENT,
        trusted == null ? null : trusted.trustingSelf(),
        "preferred_username",
        "groups",
        Duration.ofSeconds(60),
        clock);
  }

  @Test
  void acceptsAValidRs256Token() throws Exception {
    ValidatedIdentity id = validator.validate(sign(k1, claims().build()));

    assertThat(id.subject()).isEqualTo("u-123");
    assertThat(id.username()).isEqualTo("alice");
    assertThat(id.email()).isEqualTo("alice@example.test");
    assertThat(id.groups()).containsExactly("dev", "admins");
    assertThat(id.issuer()).isEqualTo(issuer);
    assertThat(id.expiresAt()).isEqualTo(clock.instant().plusSeconds(300));
  }

  @Test
  void acceptsEs256AndFallsBackToSubForTheUsername() throws Exception {
    JWTClaimsSet c =
        claims()
            .claim("preferred_username", null)
            .claim("email", null)
            .claim("groups", "solo")
            .build();

    ValidatedIdentity id = validator.validate(sign(e1, c));

    assertThat(id.username()).isEqualTo("u-123");
    assertThat(id.groups()).containsExactly("solo");
  }

  @Test
  void theDefaultUsernameClaimFallsBackToEmailThenSub() throws Exception {
    JWTClaimsSet c = claims().claim("preferred_username", null).build();

    assertThat(validator.validate(sign(k1, c)).username()).isEqualTo("alice@example.test");
  }

  @Test
  void aConfiguredUsernameClaimIsMeantExactly() throws Exception {
    OidcValidator byUpn =
        new OidcValidator(
            issuer, CLIENT, cert.trustingSelf(), "upn", "groups", Duration.ofSeconds(60), clock);

    assertThat(byUpn.validate(sign(k1, claims().claim("upn", "alice@corp").build())).username())
        .isEqualTo("alice@corp");
    assertThat(byUpn.validate(sign(k1, claims().build())).username()).isEqualTo("u-123");
  }

  @Test
  void groupsComeFromADottedClaimPath() throws Exception {
    OidcValidator keycloak =
        new OidcValidator(
            issuer,
            CLIENT,
            cert.trustingSelf(),
            "preferred_username",
            "realm_access.roles",
            Duration.ofSeconds(60),
            clock);
    JWTClaimsSet c = claims().claim("realm_access", Map.of("roles", List.of("ops", "dba"))).build();

    assertThat(keycloak.validate(sign(k1, c)).groups()).containsExactly("ops", "dba");
    assertThat(keycloak.validate(sign(k1, claims().build())).groups()).isEmpty();
    JWTClaimsSet bad = claims().claim("realm_access", Map.of("roles", List.of(1, 2))).build();
    assertRefusedBy(keycloak, sign(k1, bad), "realm_access.roles holds a non-string element");
  }

  @Test
  void accessTokensOfOtherClientsAreAcceptedWhereIdTokensAreNot() throws Exception {
    JWTClaimsSet c = claims().claim("azp", "ci-bot").claim("client_id", "ci-bot").build();

    assertRefused(sign(k1, c), "authorized party (azp) 'ci-bot'");
    assertThat(validator.validateAccessToken(sign(k1, c)).getStringClaim("client_id"))
        .isEqualTo("ci-bot");
  }

  @Test
  void anAccessTokenIsNotAnIdToken() throws Exception {
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.RS256)
                .keyID("k1")
                .type(new com.nimbusds.jose.JOSEObjectType("at+jwt"))
                .build(),
            claims().build());
    jwt.sign(new RSASSASigner(k1));

    assertRefused(jwt.serialize(), "is an access token (typ at+jwt)");
    assertThat(validator.validateAccessToken(jwt.serialize()).getSubject()).isEqualTo("u-123");
  }

  @Test
  void cachedKeysOutliveAnOutageUntilJwksMaxAgeThenFailClosed() throws Exception {
    OidcValidator v =
        new OidcValidator(
            issuer,
            CLIENT,
            cert.trustingSelf(),
            "preferred_username",
            "groups",
            Duration.ofSeconds(60),
            clock,
            Duration.ofHours(1));
    v.validate(sign(k1, claims().build()));
    down.set(true);

    clock.advance(Duration.ofMinutes(30));
    assertThat(v.validate(sign(k1, claims().build())).subject()).isEqualTo("u-123");

    clock.advance(Duration.ofMinutes(31));
    String token = sign(k1, claims().build());
    assertThatThrownBy(() -> v.validate(token))
        .isInstanceOf(InvalidTokenException.class)
        .hasMessageContaining("identity provider " + issuer)
        .hasMessageContaining("jwksMaxAge")
        .satisfies(e -> assertThat(((InvalidTokenException) e).issuerUnreachable()).isTrue());

    down.set(false);
    clock.advance(Duration.ofMinutes(1));
    assertThat(v.validate(sign(k1, claims().build())).subject()).isEqualTo("u-123");
  }

  @Test
  void acceptsEdDsaWithTheJdkVerifier() throws Exception {
    ValidatedIdentity id = validator.validate(signEd25519("ed1", ed1, claims().build()));

    assertThat(id.username()).isEqualTo("alice");
  }

  @Test
  void refusesEdDsaSignedByAnotherKey() throws Exception {
    KeyPair impostor = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();

    assertRefused(
        signEd25519("ed1", impostor, claims().build()),
        "ID token signature does not verify with key 'ed1'");
  }

  @Test
  void toleratesClockSkewWithinTheLimit() throws Exception {
    String token = sign(k1, claims().expirationTime(at(-30)).notBeforeTime(at(30)).build());

    assertThat(validator.validate(token).subject()).isEqualTo("u-123");
  }

  @Test
  void refusesUnsignedTokens() {
    String token = new PlainJWT(claims().build()).serialize();

    assertRefused(token, "ID token is unsigned (alg none)");
  }

  @Test
  void refusesHs256SignedWithThePublicKey() throws Exception {
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("k1").build(), claims().build());
    jwt.sign(new MACSigner(k1.toRSAPublicKey().getEncoded()));

    assertRefused(jwt.serialize(), "ID token algorithm HS256 is not accepted");
  }

  @Test
  void refusesAWrongIssuer() throws Exception {
    assertRefused(
        sign(k1, claims().issuer("https://evil.example").build()),
        "ID token issuer 'https://evil.example' does not match the expected '" + issuer + "'");
  }

  @Test
  void refusesAWrongAudience() throws Exception {
    assertRefused(
        sign(k1, claims().audience("other-app").build()),
        "ID token audience [other-app] does not include hoop-cli");
  }

  @Test
  void refusesAnExpiredToken() throws Exception {
    assertRefused(sign(k1, claims().expirationTime(at(-61)).build()), "ID token expired at");
  }

  @Test
  void refusesATokenNotYetValid() throws Exception {
    assertRefused(
        sign(k1, claims().notBeforeTime(at(120)).build()), "ID token is not valid before");
  }

  @Test
  void refusesATokenIssuedInTheFuture() throws Exception {
    assertRefused(
        sign(k1, claims().issueTime(at(120)).build()), "ID token is issued in the future");
  }

  @Test
  void refusesAnUnknownKey() throws Exception {
    RSAKey k9 = new RSAKeyGenerator(2048).keyID("k9").generate();

    assertRefused(
        sign(k9, claims().build()),
        "the token names key 'k9' for RS256, which is not among the published keys of issuer "
            + issuer);
  }

  @Test
  void refusesAForgedSignature() throws Exception {
    RSAKey impostor = new RSAKeyGenerator(2048).keyID("k1").generate();

    assertRefused(
        sign(impostor, claims().build()), "ID token signature does not verify with key 'k1'");
  }

  @Test
  void refusesOversizedTokensBeforeParsing() throws Exception {
    String token = sign(k1, claims().claim("pad", "x".repeat(17_000)).build());
    int before = server.hits("GET /test-idp/.well-known/openid-configuration");

    assertRefused(token, "at most 16384 accepted");
    assertThat(server.hits("GET /test-idp/.well-known/openid-configuration")).isEqualTo(before);
  }

  @Test
  void refusesMalformedTokens() {
    assertRefused("not-a-jwt", "ID token is not a well-formed JWT");
    assertRefused("eyJhbGciOiJSUzI1NiJ9.%%%.abc", "ID token is not a well-formed JWT");
    assertRefused("", "no ID token was presented");
  }

  @Test
  void refusesADiscoveryDocumentNamingAnotherIssuer() throws Exception {
    OidcValidator liar = validator(server.baseUrl() + "/liar-idp", cert);

    assertThatThrownBy(() -> liar.validate(sign(k1, claims().build())))
        .isInstanceOf(InvalidTokenException.class)
        .hasMessageContaining("names issuer 'https://elsewhere.example/liar-idp'");
  }

  @Test
  void unreachableIdentityProviderIsNamed() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    String gone = "https://127.0.0.1:" + closedPort + "/idp";
    OidcValidator v = validator(gone, cert);

    assertThatThrownBy(() -> v.validate(sign(k1, claims().issuer(gone).build())))
        .isInstanceOf(InvalidTokenException.class)
        .hasMessageContaining("cannot reach identity provider " + gone)
        .satisfies(e -> assertThat(((InvalidTokenException) e).issuerUnreachable()).isTrue());
  }

  @Test
  void fetchesOnlyOverTrustedTls() throws Exception {
    Path otherDir = Files.createDirectories(dataDir.resolve("other"));
    OidcValidator trustsOther = validator(issuer, DevCertificate.loadOrCreate(otherDir));
    OidcValidator jvmDefault = validator(issuer, null);
    String token = sign(k1, claims().build());

    assertThatThrownBy(() -> trustsOther.validate(token))
        .hasMessageContaining("cannot reach identity provider " + issuer);
    assertThatThrownBy(() -> jvmDefault.validate(token))
        .hasMessageContaining("cannot reach identity provider " + issuer);
  }

  @Test
  void refetchesKeysOnUnknownKidAtMostOncePerMinute() throws Exception {
    int before = server.hits("GET /test-idp/jwks");
    validator.validate(sign(k1, claims().build()));
    assertThat(server.hits("GET /test-idp/jwks")).isEqualTo(before + 1);

    RSAKey k2 = new RSAKeyGenerator(2048).keyID("k2").generate();
    published.set(new JWKSet(List.of(k1.toPublicJWK(), k2.toPublicJWK())));
    clock.advance(Duration.ofSeconds(10));
    assertRefused(sign(k2, claims().build()), "the token names key 'k2'");
    assertThat(server.hits("GET /test-idp/jwks")).isEqualTo(before + 1);

    clock.advance(Duration.ofSeconds(51));
    assertThat(validator.validate(sign(k2, claims().build())).subject()).isEqualTo("u-123");
    assertThat(server.hits("GET /test-idp/jwks")).isEqualTo(before + 2);
    validator.validate(sign(k1, claims().build()));
    assertThat(server.hits("GET /test-idp/jwks")).isEqualTo(before + 2);
  }

  @Test
  void acceptsTheDevIdentityProvidersOwnTokensOverHttps() throws Exception {
    String devIssuer = server.baseUrl() + DevIdentityProvider.PATH;
    DevIdentityProvider idp =
        new DevIdentityProvider(
            devIssuer, List.of(new DevUser("alice", "alice@example.test", List.of("dev"))));
    server.addRoutes(idp.routes());
    HttpClient http = HttpClient.newBuilder().sslContext(cert.trustingSelf()).build();

    JsonNode auth = post(http, devIssuer + "/device/authorize", "client_id=hoop-cli&scope=openid");
    HttpResponse<String> page =
        http.send(
            form(
                devIssuer + "/device",
                "user_code=" + auth.path("user_code").asText() + "&username=alice&action=approve"),
            HttpResponse.BodyHandlers.ofString());
    assertThat(page.body()).contains("Signed in as alice.");
    JsonNode tokens =
        post(
            http,
            devIssuer + "/token",
            "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code&client_id=hoop-cli"
                + "&device_code="
                + auth.path("device_code").asText());

    OidcValidator real = new OidcValidator(devIssuer, "hoop-cli", cert.trustingSelf());
    ValidatedIdentity id = real.validate(tokens.path("id_token").asText());

    assertThat(id.username()).isEqualTo("alice");
    assertThat(id.subject()).isEqualTo("alice");
    assertThat(id.email()).isEqualTo("alice@example.test");
    assertThat(id.groups()).containsExactly("dev");
    assertThat(id.issuer()).isEqualTo(devIssuer);
    assertThat(id.expiresAt()).isAfter(Instant.now());
    OidcValidator otherClient = new OidcValidator(devIssuer, "other-cli", cert.trustingSelf());
    assertThatThrownBy(() -> otherClient.validate(tokens.path("id_token").asText()))
        .hasMessage("ID token audience [hoop-cli] does not include other-cli");
  }

  // --- helpers -------------------------------------------------------------------------------

  JWTClaimsSet.Builder claims() {
    return new JWTClaimsSet.Builder()
        .issuer(issuer)
        .subject("u-123")
        .audience(CLIENT)
        .expirationTime(at(300))
        .issueTime(at(0))
        .notBeforeTime(at(0))
        .claim("preferred_username", "alice")
        .claim("email", "alice@example.test")
        .claim("groups", List.of("dev", "admins"));
  }

  Date at(long secondsFromNow) {
    return Date.from(clock.instant().plusSeconds(secondsFromNow));
  }

  static String sign(JWK key, JWTClaimsSet claims) throws Exception {
    JWSAlgorithm alg = key instanceof ECKey ? JWSAlgorithm.ES256 : JWSAlgorithm.RS256;
    JWSSigner signer =
        key instanceof ECKey ec ? new ECDSASigner(ec) : new RSASSASigner((RSAKey) key);
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).keyID(key.getKeyID()).build(), claims);
    jwt.sign(signer);
    return jwt.serialize();
  }

  static OctetKeyPair okp(String kid, KeyPair pair) {
    byte[] spki = pair.getPublic().getEncoded();
    byte[] x = Arrays.copyOfRange(spki, spki.length - 32, spki.length);
    return new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(x)).keyID(kid).build();
  }

  static String signEd25519(String kid, KeyPair pair, JWTClaimsSet claims) throws Exception {
    String input =
        new JWSHeader.Builder(JWSAlgorithm.EdDSA).keyID(kid).build().toBase64URL()
            + "."
            + Base64URL.encode(claims.toString());
    Signature signer = Signature.getInstance("Ed25519");
    signer.initSign(pair.getPrivate());
    signer.update(input.getBytes(StandardCharsets.US_ASCII));
    return input + "." + Base64URL.encode(signer.sign());
  }

  void assertRefused(String token, String message) {
    assertRefusedBy(validator, token, message);
  }

  void assertRefusedBy(OidcValidator v, String token, String message) {
    assertThatThrownBy(() -> v.validate(token))
        .isInstanceOf(InvalidTokenException.class)
        .hasMessageContaining(message)
        .satisfies(
            e -> {
              // Neither the whole token nor its signature may leak into messages.
              if (!token.isEmpty()) {
                assertThat(e.getMessage()).doesNotContain(token);
              }
              String signature = token.substring(token.lastIndexOf('.') + 1);
              if (signature.length() > 10) {
                assertThat(e.getMessage()).doesNotContain(signature);
              }
            });
  }

  static JsonNode post(HttpClient http, String url, String body) throws Exception {
    HttpResponse<String> r = http.send(form(url, body), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return Json.mapper().readTree(r.body());
  }

  static HttpRequest form(String url, String body) {
    return HttpRequest.newBuilder(URI.create(url))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
  }
}
