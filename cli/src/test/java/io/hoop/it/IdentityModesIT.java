package io.hoop.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hoop.api.Json;
import io.hoop.cli.config.Credentials;
import io.hoop.cli.config.ProfileStore;
import io.hoop.cli.identity.DpopKey;
import io.hoop.it.HoopCli.Run;
import io.hoop.testkit.BrokerFixture;
import io.hoop.testkit.TestIssuer;
import io.hoop.tunnel.tls.Tls;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Every way of logging in, through the real CLI against a real dev broker that requires DPoP:
 * device flow, client credentials of the dev IdP's {@code ci-bot}, workload federation with a test
 * issuer (then a command through the tunnel), an admin-minted {@code HOOP_TOKEN}; plus a copied
 * token refused without its key and logout revoking the session.
 */
class IdentityModesIT {
  static EchoServer echo;
  static TestIssuer issuer;
  static BrokerFixture broker;

  @TempDir Path home;

  @BeforeAll
  static void start() throws Exception {
    echo = new EchoServer();
    issuer = TestIssuer.start();
    broker =
        BrokerFixture.start(
            """
            devIdp:
              pollInterval: 1s
            identity:
              requireDpop: true
              federation:
                - name: ci
                  issuer: %s
                  audience: hoop
                  conditions: {repository: "acme/*", ref: "refs/heads/main"}
                  principal: "ci:{repository}:{workflow}"
                  groups: [deployers]
            targets:
              - name: echo
                type: tcp
                address: 127.0.0.1:%d
            entitlements:
              - group: engineering
                targets: [echo]
                maxDuration: 1h
              - group: deployers
                targets: [echo]
                maxDuration: 1h
            """
                .formatted(issuer.issuer(), echo.port()));
  }

  @AfterAll
  static void stop() throws Exception {
    if (broker != null) {
      broker.close();
    }
    if (issuer != null) {
      issuer.close();
    }
    if (echo != null) {
      echo.close();
    }
  }

  private Map<String, String> env() {
    return HoopCli.env(home.resolve("hoop"));
  }

  private Run hoop(Map<String, String> env, OutputStream errSink, String... args) {
    return HoopCli.run(env, errSink, args);
  }

  private Run hoop(String... args) {
    return hoop(env(), null, args);
  }

  private ProfileStore store(String profile) {
    return new ProfileStore(home.resolve("hoop/profiles/" + profile), profile);
  }

  private void deviceLogin(String user) {
    Run r =
        hoop(
            env(),
            new CodeApprover(broker, user, true),
            "login",
            "--broker",
            broker.url(),
            "--fingerprint",
            broker.fingerprint(),
            "--no-browser");
    assertThat(r.code()).as("login stderr: %s", r.err()).isZero();
  }

  private JsonNode whoamiJson(String profile) throws Exception {
    Run r = hoop("--profile", profile, "whoami", "-o", "json");
    assertThat(r.code()).as("whoami stderr: %s", r.err()).isZero();
    return Json.mapper().readTree(r.out());
  }

  @Test
  void deviceLoginIsBoundToTheProfileKey() throws Exception {
    deviceLogin("alice");
    Path key = store("default").keyFile();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key)))
        .isEqualTo("rw-------");
    JsonNode who = whoamiJson("default");
    assertThat(who.get("principal").asText()).isEqualTo("alice");
    assertThat(who.get("loginMethod").asText()).isEqualTo("oidc-device");
    assertThat(who.get("keyThumbprint").asText())
        .isEqualTo(store("default").key().orElseThrow().thumbprint());
    assertThat(who.get("groups").toString()).contains("engineering");
    assertThat(who.get("sessionRemainingSeconds").asLong()).isPositive();
  }

  @Test
  void clientCredentialsOfTheDevCiBot() throws Exception {
    Path devSecret = dataDir().resolve("dev-idp/ci-bot.secret");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(devSecret)))
        .isEqualTo("rw-------");
    Run r =
        hoop(
            "--profile",
            "ci",
            "login",
            "--broker",
            broker.url(),
            "--fingerprint",
            broker.fingerprint(),
            "--client-id",
            "ci-bot",
            "--client-secret-file",
            devSecret.toString());
    assertThat(r.code()).as("login stderr: %s", r.err()).isZero();
    JsonNode who = whoamiJson("ci");
    assertThat(who.get("loginMethod").asText()).isEqualTo("client-credentials");
    assertThat(who.get("principal").asText()).isEqualTo("client:ci-bot");
    assertThat(who.get("profile").asText()).isEqualTo("ci");
    assertThat(Files.readString(store("ci").credentialsFile()))
        .doesNotContain(Files.readString(devSecret).strip());
  }

  @Test
  void federatedTokenFileLogsInAndConnectRunsACommandThroughTheTunnel() throws Exception {
    String token =
        issuer.mint(
            "hoop",
            "repo:acme/app:ref:refs/heads/main",
            Map.of("repository", "acme/app", "ref", "refs/heads/main", "workflow", "deploy"),
            Duration.ofMinutes(5));
    Path tokenFile = home.resolve("ci-token");
    Files.writeString(tokenFile, token);
    Run login =
        hoop(
            "--profile",
            "fed",
            "login",
            "--broker",
            broker.url(),
            "--fingerprint",
            broker.fingerprint(),
            "--federated-token-file",
            tokenFile.toString());
    assertThat(login.code()).as("login stderr: %s", login.err()).isZero();
    JsonNode who = whoamiJson("fed");
    assertThat(who.get("principal").asText()).isEqualTo("ci:acme/app:deploy");
    assertThat(who.get("loginMethod").asText()).isEqualTo("federated");

    Path out = home.resolve("echoed.txt");
    List<String> args =
        new ArrayList<>(
            List.of(
                "--profile",
                "fed",
                "connect",
                "echo",
                "--task",
                "DEPLOY-7",
                "--duration",
                "5m",
                "--"));
    // Plain Java rather than nc, which a clean machine lacks.
    args.addAll(EchoClient.command("ping", out));
    Run connect = hoop(args.toArray(String[]::new));
    assertThat(connect.code()).as("connect stderr: %s", connect.err()).isZero();
    assertThat(Files.readString(out)).as("connect stderr: %s", connect.err()).isEqualTo("ping");
  }

  @Test
  void federatedTokenMissingAConditionIsRefused() throws Exception {
    String token =
        issuer.mint(
            "hoop",
            "repo:acme/app:ref:refs/heads/feature",
            Map.of("repository", "acme/app", "ref", "refs/heads/feature", "workflow", "deploy"),
            Duration.ofMinutes(5));
    Map<String, String> env = env();
    env.put("CI_JOB_JWT", token);
    Run r =
        hoop(
            env,
            null,
            "--profile",
            "feature",
            "login",
            "--broker",
            broker.url(),
            "--fingerprint",
            broker.fingerprint(),
            "--federated-token-env",
            "CI_JOB_JWT");
    assertThat(r.code()).isNotZero();
    assertThat(r.err()).startsWith("hoop: ").doesNotContain(token);
    assertThat(store("feature").credentials()).isEmpty();
  }

  @Test
  void aCopiedTokenIsRefusedWithoutItsKey() throws Exception {
    deviceLogin("alice");
    Credentials credentials = store("default").credentials().orElseThrow();

    // The CLI refuses credentials that arrive in another profile without their key ...
    ProfileStore copy = store("copy");
    copy.saveProfile(store("default").profile().orElseThrow());
    Files.copy(store("default").credentialsFile(), copy.credentialsFile());
    Run r = hoop("--profile", "copy", "targets");
    assertThat(r.code()).isEqualTo(6);
    assertThat(r.err()).contains("bound to a key that is not in").contains("--profile copy");

    // ... and the broker refuses the token itself, as Bearer or with another key's proof.
    String url = broker.url() + "/v1/targets";
    assertThat(get(url, "Bearer " + credentials.sessionToken(), null).statusCode()).isEqualTo(401);
    String foreign =
        DpopKey.generate().proof("GET", url, credentials.sessionToken(), Instant.now());
    assertThat(get(url, "DPoP " + credentials.sessionToken(), foreign).statusCode()).isEqualTo(401);
    String own =
        store("default")
            .key()
            .orElseThrow()
            .proof("GET", url, credentials.sessionToken(), Instant.now());
    assertThat(get(url, "DPoP " + credentials.sessionToken(), own).statusCode()).isEqualTo(200);
  }

  @Test
  void hoopTokenMintedByTheAdminWorksWithoutALogin() throws Exception {
    StringWriter minted = new StringWriter();
    int code =
        new CommandLine(new io.hoop.broker.BrokerMain())
            .setOut(new PrintWriter(minted, true))
            .execute(
                "token",
                "create",
                "--principal",
                "deploy-bot",
                "--group",
                "engineering",
                "--ttl",
                "1h",
                "--data-dir",
                dataDir().toString());
    assertThat(code).as(minted.toString()).isZero();
    // stdout holds the token alone (its id goes to stderr), so `export HOOP_TOKEN=$(...)` works.
    String token = minted.toString().strip();
    Map<String, String> env = env();
    env.put("HOOP_TOKEN", token);
    env.put("HOOP_BROKER", broker.url());
    env.put("HOOP_BROKER_FINGERPRINT", broker.fingerprint());
    Run targets = hoop(env, null, "targets");
    assertThat(targets.code()).as("targets stderr: %s", targets.err()).isZero();
    assertThat(targets.out()).contains("echo");
    Run who = hoop(env, null, "whoami", "-o", "json");
    assertThat(Json.mapper().readTree(who.out()).get("loginMethod").asText())
        .isEqualTo("admin-token");
    assertThat(home.resolve("hoop")).doesNotExist();
  }

  @Test
  void logoutRevokesTheSessionAndWhoamiThenExits6() throws Exception {
    deviceLogin("bob");
    Credentials credentials = store("default").credentials().orElseThrow();
    DpopKey key = store("default").key().orElseThrow();
    Run logout = hoop("logout");
    assertThat(logout.code()).as(logout.err()).isZero();
    assertThat(logout.err()).contains("Logged out of " + broker.url());
    assertThat(store("default").keyFile()).doesNotExist();
    Run who = hoop("whoami");
    assertThat(who.code()).isEqualTo(6);
    assertThat(who.err()).contains("run hoop login");

    String url = broker.url() + "/v1/whoami";
    HttpResponse<String> replay =
        get(
            url,
            "DPoP " + credentials.sessionToken(),
            key.proof("GET", url, credentials.sessionToken(), Instant.now()));
    assertThat(replay.statusCode()).isEqualTo(401);
    assertThat(replay.body()).contains("session_revoked");
  }

  /** The fixture's data dir: its certificate lives in {@code <data>/tls/broker.crt}. */
  private static Path dataDir() {
    return broker.server().certPath().getParent().getParent();
  }

  private static HttpResponse<String> get(String url, String authorization, String proof)
      throws Exception {
    HttpClient http =
        HttpClient.newBuilder().sslContext(Tls.jdkClientPinned(broker.fingerprint())).build();
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url)).header("Authorization", authorization).GET();
    if (proof != null) {
      b.header("DPoP", proof);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
