package io.hoop.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.api.client.http.javanet.NetHttpTransport;
import io.hoop.api.Json;
import io.hoop.broker.BrokerServer;
import io.hoop.broker.config.ConfigException;
import io.hoop.broker.config.ConfigLoader;
import io.hoop.broker.identity.devidp.DevUser;
import io.hoop.cli.HoopException;
import io.hoop.cli.auth.DeviceFlowClient;
import io.hoop.cli.auth.Sleeper;
import io.hoop.cli.config.Credentials;
import io.hoop.cli.config.ProfileStore;
import io.hoop.cli.identity.DpopKey;
import io.hoop.it.HoopCli.Run;
import io.hoop.testkit.BrokerFixture;
import io.hoop.testkit.TestIssuer;
import io.hoop.tunnel.tls.Tls;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tokens bound end to end, against the real dev broker and its dev IdP with the real CLI: the IdP
 * refresh token is bound to the profile key with DPoP (a copied credentials.json is worthless, also
 * at the IdP directly), logout revokes it at the IdP, a swapped or exposed key is refused, short
 * sessions renew silently through the IdP and stop renewing for a user disabled there, an IdP
 * behind a private CA works with identity.caFile, and refusals say why.
 */
class TokenBindingSecurityIT {
  static final Duration TTL = Duration.ofSeconds(6);
  static TestIssuer issuer;
  static BrokerFixture broker;
  static HttpClient http;

  @TempDir Path home;

  static String config(boolean carolDisabled) {
    return """
        sessionTtl: %ds
        devIdp:
          pollInterval: 1s
          users:
            - username: alice
              groups: [engineering]
            - username: bob
              groups: [engineering]
            - username: carol
              groups: [engineering]
              disabled: %s
        identity:
          requireDpop: true
          federation:
            - name: ci
              issuer: %s
              audience: hoop
              conditions: {repository: "acme/*"}
              principal: "ci:{repository}"
              groups: [deployers]
        targets:
          - name: echo
            type: tcp
            address: 127.0.0.1:9
        entitlements:
          - group: engineering
            targets: [echo]
            maxDuration: 1h
        """
        .formatted(TTL.toSeconds(), carolDisabled, issuer.issuer());
  }

  @BeforeAll
  static void start() throws Exception {
    issuer = TestIssuer.start();
    broker = BrokerFixture.startFromFile(config(false));
    http =
        HttpClient.newBuilder()
            .sslContext(Tls.jdkClientPinned(broker.fingerprint()))
            .connectTimeout(Duration.ofSeconds(5))
            .build();
  }

  @AfterAll
  static void stop() throws Exception {
    if (broker != null) {
      broker.close();
    }
    if (issuer != null) {
      issuer.close();
    }
  }

  Map<String, String> env() {
    return HoopCli.env(home.resolve("hoop"));
  }

  ProfileStore store(String profile) {
    return new ProfileStore(home.resolve("hoop/profiles/" + profile), profile);
  }

  Run hoop(String... args) {
    return HoopCli.run(env(), null, args);
  }

  void login(String user) {
    Run r =
        HoopCli.run(
            env(),
            new CodeApprover(broker, user, true),
            "login",
            "--broker",
            broker.url(),
            "--fingerprint",
            broker.fingerprint(),
            "--no-browser");
    assertThat(r.code()).as("login: %s", r.err()).isZero();
  }

  JsonNode whoami(String profile) throws Exception {
    Run r = hoop("--profile", profile, "whoami", "-o", "json");
    assertThat(r.code()).as("whoami: %s", r.err()).isZero();
    return Json.mapper().readTree(r.out());
  }

  /** The refresh grant at the dev IdP's token endpoint, as an attacker would send it. */
  static JsonNode refreshAtIdp(String refreshToken, DpopKey proofKey, int expectedStatus)
      throws Exception {
    String endpoint = broker.url() + "/dev-idp/token";
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(endpoint))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "grant_type=refresh_token&client_id=hoop-cli&refresh_token="
                        + URLEncoder.encode(refreshToken, StandardCharsets.UTF_8)));
    if (proofKey != null) {
      b.header("DPoP", proofKey.proof("POST", endpoint, null, Instant.now()));
    }
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(expectedStatus);
    return Json.mapper().readTree(r.body());
  }

  @Test
  void copiedCredentialsWithoutTheirKeyGetNoSessionFromTheCliNorFromTheIdp() throws Exception {
    login("alice");
    ProfileStore victim = store("default");
    Credentials stolen = victim.credentials().orElseThrow();
    DpopKey aliceKey = victim.key().orElseThrow();
    assertThat(stolen.refreshToken()).isNotNull();
    assertThat(stolen.loginKeyThumbprint()).isEqualTo(aliceKey.thumbprint());

    // At the IdP directly: no proof, another key's proof, a proof by the right key for the wrong
    // endpoint. None is served, and none burns the holder's token.
    DpopKey attacker = DpopKey.generate();
    assertThat(refreshAtIdp(stolen.refreshToken(), null, 400).path("error").asText())
        .isEqualTo("invalid_grant");
    JsonNode wrongKey = refreshAtIdp(stolen.refreshToken(), attacker, 400);
    assertThat(wrongKey.path("error").asText()).isEqualTo("invalid_grant");
    assertThat(wrongKey.path("error_description").asText()).contains("another DPoP key");
    assertThat(refreshAtIdp(stolen.refreshToken(), DpopKey.generateP256(), 400).path("error"))
        .hasToString("\"invalid_grant\"");

    // Through the CLI: the copy without dpop.jwk...
    Path copy = home.resolve("hoop/profiles/stolen");
    Files.createDirectories(copy);
    Files.copy(victim.profileFile(), copy.resolve("profile.json"));
    Files.copy(victim.credentialsFile(), copy.resolve("credentials.json"));
    Run noKey = hoop("--profile", "stolen", "whoami");
    assertThat(noKey.code()).as(noKey.err()).isEqualTo(6);
    assertThat(noKey.err()).contains("dpop.jwk").contains("hoop login --profile stolen");

    // ...and with the attacker's own key, the file edited to name it and to force a renewal.
    ProfileStore thief = store("stolen");
    thief.saveKey(attacker);
    thief.saveCredentials(
        new Credentials(
            stolen.sessionToken(),
            Instant.now().minusSeconds(60),
            stolen.refreshToken(),
            stolen.principal(),
            attacker.thumbprint(),
            stolen.source(),
            attacker.thumbprint()));
    Run withOwnKey = hoop("--profile", "stolen", "whoami");
    assertThat(withOwnKey.code()).as(withOwnKey.err()).isEqualTo(6);
    assertThat(withOwnKey.err()).contains("another DPoP key");
    assertThat(thief.credentials().orElseThrow().refreshToken()).isEqualTo(stolen.refreshToken());

    // The holder renews (short sessions: every command does) with the very same refresh token.
    JsonNode who = whoami("default");
    assertThat(who.path("principal").asText()).isEqualTo("alice");
    assertThat(who.path("renewalError").asText("")).isEmpty();
    assertThat(victim.credentials().orElseThrow().refreshToken())
        .isNotEqualTo(stolen.refreshToken());
  }

  @Test
  void logoutRevokesTheRefreshTokenAtTheIdp() throws Exception {
    login("bob");
    ProfileStore store = store("default");
    Credentials before = store.credentials().orElseThrow();
    DpopKey key = store.key().orElseThrow();

    Run out = hoop("logout");
    assertThat(out.code()).as(out.err()).isZero();
    assertThat(out.err()).doesNotContain("warning");

    JsonNode refused = refreshAtIdp(before.refreshToken(), key, 400);
    assertThat(refused.path("error").asText()).isEqualTo("invalid_grant");
    assertThat(refused.path("error_description").asText()).contains("revoked");
  }

  @Test
  void aSwappedOrExposedKeyIsRefused() throws Exception {
    login("alice");
    ProfileStore store = store("default");
    DpopKey original = store.key().orElseThrow();

    store.saveKey(DpopKey.generate());
    Run swapped = hoop("whoami");
    assertThat(swapped.code()).as(swapped.err()).isEqualTo(6);
    assertThat(swapped.err()).contains("another key").contains("run hoop login");

    store.saveKey(original);
    for (String mode : List.of("rw-r-----", "rw-r--r--", "rw-----w-")) {
      Files.setPosixFilePermissions(store.keyFile(), PosixFilePermissions.fromString(mode));
      Run exposed = hoop("whoami");
      assertThat(exposed.code()).as(exposed.err()).isEqualTo(6);
      assertThat(exposed.err()).contains("has mode " + mode).contains("hoop login");
    }
    Files.setPosixFilePermissions(store.keyFile(), PosixFilePermissions.fromString("rw-------"));
    assertThat(whoami("default").path("principal").asText()).isEqualTo("alice");
  }

  @Test
  void sessionsRenewSilentlyAcrossTheirShortLifetime() throws Exception {
    login("alice");
    ProfileStore store = store("default");
    Credentials first = store.credentials().orElseThrow();
    assertThat(Duration.between(Instant.now(), first.sessionExpiresAt())).isLessThanOrEqualTo(TTL);

    Thread.sleep(TTL.plusSeconds(1).toMillis());
    JsonNode who = whoami("default");
    assertThat(who.path("principal").asText()).isEqualTo("alice");
    assertThat(who.path("renewalError").asText("")).isEmpty();
    Credentials renewed = store.credentials().orElseThrow();
    assertThat(renewed.sessionToken()).isNotEqualTo(first.sessionToken());
    assertThat(renewed.sessionExpiresAt()).isAfter(first.sessionExpiresAt());
    assertThat(renewed.keyThumbprint()).isEqualTo(first.keyThumbprint());
  }

  @Test
  void aLongConnectRenewsItsSessionInTheBackground() throws Exception {
    login("alice");
    ProfileStore store = store("default");
    Instant start = Instant.now();
    Run r = hoop("connect", "echo", "--task", "T-1", "--", "sleep", "14");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.err()).doesNotContain("cannot be renewed");
    // Renewed while the command ran, not only when it started: the last session outlives it.
    assertThat(store.credentials().orElseThrow().sessionExpiresAt())
        .isAfter(start.plus(TTL).plusSeconds(6));
    assertThat(whoami("default").path("principal").asText()).isEqualTo("alice");
  }

  @Test
  void aUserDisabledAtTheIdpLosesAccessWithinTheSessionLifetime() throws Exception {
    login("carol");
    assertThat(whoami("default").path("principal").asText()).isEqualTo("carol");
    int reloads = reloads();
    Files.writeString(broker.configFile(), "listen: 127.0.0.1:0\n" + config(true));
    try {
      Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> reloads() > reloads);
      Instant disabled = Instant.now();

      // The renewal is refused at once; the session lasts out its short lifetime, and whoami
      // says why it will end.
      Run who = hoop("whoami", "-o", "json");
      if (who.code() == 0) {
        JsonNode json = Json.mapper().readTree(who.out());
        assertThat(json.path("renewalError").asText()).contains("carol is disabled");
        assertThat(json.has("renewalFailedAt")).isTrue();
        Run text = hoop("whoami");
        assertThat(text.out()).contains("renewal").contains("FAILED").contains("carol is disabled");
      }
      Awaitility.await()
          .atMost(TTL.plusSeconds(5))
          .pollInterval(Duration.ofMillis(500))
          .until(() -> hoop("targets").code() == 6);
      assertThat(Duration.between(disabled, Instant.now())).isLessThan(TTL.plusSeconds(5));
      Run gone = hoop("whoami");
      assertThat(gone.code()).isEqualTo(6);
      assertThat(gone.err()).contains("could not be renewed").contains("carol is disabled");
      assertThat(gone.err()).contains("run hoop login");
    } finally {
      Files.writeString(broker.configFile(), "listen: 127.0.0.1:0\n" + config(false));
    }
  }

  @Test
  void aWrongAudienceIsNamedWithTheNextStep() throws Exception {
    Path token = Files.writeString(home.resolve("token"), mint("not-hoop"));
    Run r =
        hoop(
            "login",
            "--broker",
            broker.url(),
            "--fingerprint",
            broker.fingerprint(),
            "--federated-token-file",
            token.toString());
    assertThat(r.code()).as(r.err()).isEqualTo(3);
    assertThat(r.err()).contains("audience").contains("not-hoop").doesNotContain("not logged in");
  }

  @Test
  void plainHttpIssuersOffLoopbackAreRefusedByBrokerAndCli() {
    assertThatThrownBy(
            () ->
                ConfigLoader.parse(
                    "t.yaml",
                    "identity:\n  issuer: http://idp.example.com/realms/a\n  clientId: hoop-cli\n",
                    false))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("http:// only on loopback");
    DeviceFlowClient cli =
        new DeviceFlowClient(new NetHttpTransport(), Sleeper.REAL, Clock.systemUTC());
    assertThatThrownBy(() -> cli.discover("http://192.0.2.10:8080/realms/a"))
        .isInstanceOf(HoopException.class)
        .hasMessageContaining("http:// only on loopback");
  }

  @Test
  void anIdpBehindAPrivateCaWorksWithCaFile() throws Exception {
    try (PrivateCaIdp idp =
        new PrivateCaIdp(
            home.resolve("idp"),
            List.of(new DevUser("alice", "alice@example.test", List.of("engineering"))))) {
      // Nothing JVM-wide trusts it.
      assertThatThrownBy(
              () ->
                  new DeviceFlowClient(new NetHttpTransport(), Sleeper.REAL, Clock.systemUTC())
                      .discover(idp.issuer()))
          .isInstanceOf(HoopException.class);
      BrokerServer prod =
          BrokerServer.start(
              ConfigLoader.parse(
                  "t.yaml",
                  """
                  listen: 127.0.0.1:0
                  identity:
                    issuer: %s
                    clientId: hoop-cli
                    caFile: %s
                  targets:
                    - name: echo
                      type: tcp
                      address: 127.0.0.1:9
                  entitlements:
                    - group: engineering
                      targets: [echo]
                      maxDuration: 1h
                  """
                      .formatted(idp.issuer(), idp.caPem()),
                  false),
              home.resolve("broker"),
              false,
              Clock.systemUTC());
      try {
        Run login =
            HoopCli.run(
                env(),
                approver(idp::approve, "alice"),
                "login",
                "--broker",
                prod.url(),
                "--fingerprint",
                prod.fingerprint(),
                "--no-browser");
        assertThat(login.code()).as(login.err()).isZero();
        assertThat(store("default").issuerCa()).isPresent();
        // A renewal goes to the IdP again, over the same private-CA trust, with a DPoP proof.
        ProfileStore store = store("default");
        Credentials c = store.credentials().orElseThrow();
        store.saveCredentials(
            new Credentials(
                c.sessionToken(),
                Instant.now().plusSeconds(30),
                c.refreshToken(),
                c.principal(),
                c.keyThumbprint(),
                c.source(),
                c.loginKeyThumbprint()));
        JsonNode who = whoami("default");
        assertThat(who.path("principal").asText()).isEqualTo("alice");
        assertThat(who.path("renewalError").asText("")).as(who.toString()).isEmpty();
        assertThat(store.credentials().orElseThrow().refreshToken()).isNotEqualTo(c.refreshToken());
      } finally {
        prod.close();
      }
    }
  }

  static int reloads() {
    return (int)
        broker.server().audit().list(0, 10_000, null, null).stream()
            .filter(e -> "config.reloaded".equals(e.type()))
            .count();
  }

  static String mint(String audience) {
    return issuer.mint(
        audience, "repo:acme/app", Map.of("repository", "acme/app"), Duration.ofMinutes(5));
  }

  /** Completes the verification page for the code the CLI prints, as a person would. */
  static OutputStream approver(Approval approval, String user) {
    Pattern code = Pattern.compile("enter code ([A-Z]{4}-[A-Z]{4})");
    ByteArrayOutputStream seen = new ByteArrayOutputStream();
    return new OutputStream() {
      boolean done;

      @Override
      public synchronized void write(int b) throws IOException {
        seen.write(b);
        if (b == '\n' && !done) {
          Matcher m = code.matcher(seen.toString(StandardCharsets.UTF_8));
          if (m.find()) {
            done = true;
            try {
              approval.approve(m.group(1), user);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              throw new IOException(e);
            }
          }
        }
      }
    };
  }

  /** Approves a user code. */
  interface Approval {
    void approve(String userCode, String user) throws IOException, InterruptedException;
  }
}
