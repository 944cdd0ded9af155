package io.hoop.broker.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.hoop.api.TokenExchangeRequest;
import io.hoop.broker.config.IdentityConfig;
import io.hoop.broker.http.ApiException;
import io.hoop.broker.http.ApiResponse;
import io.hoop.broker.identity.OidcValidator;
import io.hoop.broker.identity.TestClock;
import io.hoop.broker.identity.TestHttpsServer;
import io.hoop.broker.tls.DevCertificate;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The logins of a Keycloak-shaped IdP (signed by a real JWKS over HTTPS): the issue's attack, a
 * person's own access token of the interactive client offered as a machine login, and the rest.
 */
class IdentitiesTest {
  static final String CLI = "hoop-cli";
  @TempDir static Path dataDir;
  static DevCertificate cert;
  static TestHttpsServer server;
  static String issuer;
  static RSAKey key;

  final TestClock clock = new TestClock(Instant.now());
  Identities identities;

  @BeforeAll
  static void startIdp() throws Exception {
    cert = DevCertificate.loadOrCreate(dataDir);
    server = new TestHttpsServer(cert);
    issuer = server.baseUrl() + "/realms/acme";
    key = new RSAKeyGenerator(2048).keyID("k1").generate();
    server.addRoutes(
        Map.of(
            "GET /realms/acme/.well-known/openid-configuration",
            req -> ApiResponse.json(200, Map.of("issuer", issuer, "jwks_uri", issuer + "/jwks")),
            "GET /realms/acme/jwks",
            req -> ApiResponse.json(200, new JWKSet(key.toPublicJWK()).toJSONObject(true))));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @BeforeEach
  void setUp() {
    OidcValidator v =
        new OidcValidator(
            issuer,
            CLI,
            cert.trustingSelf(),
            "preferred_username",
            "groups",
            Duration.ofSeconds(60),
            clock);
    identities =
        new Identities(
            v,
            new MachineTokenRule(IdentityConfig.DEFAULT_MACHINE_CLAIMS, Set.of("deploy-bot"), CLI),
            new Federation(List.of(), Duration.ofHours(1), clock),
            new IdTokenReplay(clock, Duration.ofSeconds(60), 100),
            clock);
  }

  JWTClaimsSet.Builder base(String sub) {
    Instant now = clock.instant();
    return new JWTClaimsSet.Builder()
        .issuer(issuer)
        .subject(sub)
        .audience(List.of(CLI, "account"))
        .expirationTime(Date.from(now.plusSeconds(300)))
        .issueTime(Date.from(now))
        .jwtID(UUID.randomUUID().toString());
  }

  static String sign(JWTClaimsSet c, String typ) throws Exception {
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.RS256)
                .keyID("k1")
                .type(new JOSEObjectType(typ))
                .build(),
            c);
    jwt.sign(new RSASSASigner(key));
    return jwt.serialize();
  }

  ApiException refusedMachine(String token) {
    return catchApi(() -> identities.exchange(token, TokenExchangeRequest.ACCESS_TOKEN, null));
  }

  interface Call {
    Object run() throws Exception;
  }

  static ApiException catchApi(Call c) {
    try {
      c.run();
    } catch (ApiException e) {
      return e;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("expected a refusal");
  }

  @Test
  void aPersonsKeycloakAccessTokenOfTheInteractiveClientIsNoMachine() throws Exception {
    String token =
        sign(
            base("alice-uuid")
                .claim("typ", "Bearer")
                .claim("azp", CLI)
                .claim("sid", "s-1")
                .claim("session_state", "s-1")
                .claim("scope", "openid profile")
                .claim("preferred_username", "alice")
                .build(),
            "JWT");
    ApiException e = refusedMachine(token);
    assertThat(e.status()).isEqualTo(403);
    assertThat(e.code()).isEqualTo("not_a_machine_client");
    assertThat(e.getMessage()).contains("the client people log in with");
    // A person's token: the refusal is recorded in that person's trail, not under a client.
    assertThat(e.principal()).isEqualTo("alice");
  }

  @Test
  void aPersonsKeycloakIdTokenOfferedAsAnAccessTokenIsRefusedAndNamesThePerson() throws Exception {
    String idToken =
        sign(
            base("alice-uuid")
                .claim("typ", "ID")
                .claim("azp", "deploy-bot")
                .claim("sid", "s-1")
                .claim("preferred_username", "alice")
                .build(),
            "JWT");
    ApiException e = refusedMachine(idToken);
    assertThat(e.getMessage()).contains("was issued to a person");
    assertThat(e.principal()).isEqualTo("alice");
  }

  JWTClaimsSet.Builder serviceAccount() {
    return base("sa-uuid")
        .claim("typ", "Bearer")
        .claim("azp", "deploy-bot")
        .claim("client_id", "deploy-bot")
        .claim("preferred_username", "service-account-deploy-bot");
  }

  @Test
  void aDpopBoundServiceAccountTokenCarriesItsKeyToTheLogin() throws Exception {
    assertThat(
            identities
                .exchange(
                    sign(serviceAccount().build(), "JWT"), TokenExchangeRequest.ACCESS_TOKEN, null)
                .boundKey())
        .isNull();
    String bound = sign(serviceAccount().claim("cnf", Map.of("jkt", "thumb-1")).build(), "JWT");
    assertThat(identities.exchange(bound, TokenExchangeRequest.ACCESS_TOKEN, null).boundKey())
        .isEqualTo("thumb-1");
  }

  @Test
  void aTokenBoundOtherwiseThanByDpopIsRefusedNotTakenAsBearer() throws Exception {
    for (Object cnf :
        List.<Object>of(Map.of("x5t#S256", "cert-thumb"), Map.of("jkt", 7), "jkt", List.of())) {
      ApiException e = refusedMachine(sign(serviceAccount().claim("cnf", cnf).build(), "JWT"));
      assertThat(e.code()).as(String.valueOf(cnf)).isEqualTo("unsupported_token_binding");
      assertThat(e.principal()).isEqualTo("client:deploy-bot");
    }
  }

  @Test
  void aKeycloakServiceAccountTokenOfAListedClientLogsIn() throws Exception {
    String token =
        sign(
            base("sa-uuid")
                .claim("typ", "Bearer")
                .claim("azp", "deploy-bot")
                .claim("client_id", "deploy-bot")
                .claim("preferred_username", "service-account-deploy-bot")
                .claim("groups", List.of("deployers"))
                .build(),
            "JWT");
    Login login = identities.exchange(token, TokenExchangeRequest.ACCESS_TOKEN, null);
    assertThat(login.principal().name()).isEqualTo("client:deploy-bot");
    assertThat(login.principal().groups()).containsExactly("deployers");
    assertThat(login.detail()).isEqualTo("keycloak-service-account");
  }

  @Test
  void anIdTokenOpensOneSessionAndItsSidIsKept() throws Exception {
    String idToken =
        sign(
            base("alice-uuid")
                .claim("typ", "ID")
                .claim("azp", CLI)
                .claim("sid", "kc-session-1")
                .claim("preferred_username", "alice")
                .build(),
            "JWT");
    Login first = identities.authenticate(idToken, null);
    assertThat(first.principal().name()).isEqualTo("alice");
    assertThat(first.idpSession()).isEqualTo("kc-session-1");
    ApiException again = catchApi(() -> identities.authenticate(idToken, null));
    assertThat(again.code()).isEqualTo("id_token_replayed");
    assertThat(again.principal()).isEqualTo("alice");
    ApiException viaExchange =
        catchApi(() -> identities.exchange(idToken, TokenExchangeRequest.ID_TOKEN, null));
    assertThat(viaExchange.code()).isEqualTo("id_token_replayed");
  }

  @Test
  void aPersonsKeycloakAccessTokenIsNotAnIdToken() throws Exception {
    String access =
        sign(
            base("alice-uuid")
                .claim("typ", "Bearer")
                .claim("azp", CLI)
                .claim("scope", "openid")
                .claim("preferred_username", "alice")
                .build(),
            "JWT");
    ApiException e = catchApi(() -> identities.authenticate(access, null));
    assertThat(e.code()).isEqualTo("invalid_id_token");
    assertThat(e.getMessage()).contains("payload typ is 'Bearer'");
  }

  @Test
  void aTamperedTokenNamesNoPrincipal() throws Exception {
    String t = sign(base("alice-uuid").claim("preferred_username", "alice").build(), "JWT");
    String[] p = t.split("\\.");
    String tampered =
        p[0]
            + "."
            + com.nimbusds.jose.util.Base64URL.encode(
                base("mallory").claim("preferred_username", "root").build().toString())
            + "."
            + p[2];
    ApiException e = catchApi(() -> identities.authenticate(tampered, null));
    assertThat(e.status()).isEqualTo(401);
    assertThat(e.principal()).isNull();
  }

  @Test
  void blankSubjectTokenIsABadRequest() {
    assertThatThrownBy(() -> identities.exchange(" ", TokenExchangeRequest.ACCESS_TOKEN, null))
        .isInstanceOf(ApiException.class)
        .hasMessageContaining("subjectToken is required");
  }

  /**
   * An ID token without {@code jti} (Google, Entra ID) is known by what its signature covers, not
   * by its text: the signature's base64url has slack bits, padding and characters the decoder
   * skips, so the same signed token can be written many ways, each of which verifies.
   */
  @Test
  void anIdTokenWithoutJtiReEncodedIsStillReplayed() throws Exception {
    JWTClaimsSet c =
        new JWTClaimsSet.Builder()
            .issuer(issuer)
            .subject("alice-uuid")
            .audience(List.of(CLI))
            .expirationTime(Date.from(clock.instant().plusSeconds(300)))
            .issueTime(Date.from(clock.instant()))
            .claim("azp", CLI)
            .claim("preferred_username", "alice")
            .build();
    String idToken = sign(c, "JWT");
    assertThat(identities.authenticate(idToken, null).principal().name()).isEqualTo("alice");
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    char last = idToken.charAt(idToken.length() - 1);
    String slackBitFlipped =
        idToken.substring(0, idToken.length() - 1) + alphabet.charAt(alphabet.indexOf(last) ^ 1);
    int cut = idToken.length() - 5;
    for (String variant :
        List.of(
            slackBitFlipped,
            idToken + "=",
            idToken + "==",
            idToken.substring(0, cut) + "!" + idToken.substring(cut),
            idToken.substring(0, cut) + "\n" + idToken.substring(cut))) {
      ApiException e = catchApi(() -> identities.authenticate(variant, null));
      assertThat(e.code()).as(variant.substring(cut - 3)).isEqualTo("id_token_replayed");
    }
  }
}
