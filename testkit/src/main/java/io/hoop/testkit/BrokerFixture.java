package io.hoop.testkit;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.hoop.api.Json;
import io.hoop.broker.BrokerServer;
import io.hoop.broker.config.BrokerConfig;
import io.hoop.broker.config.ConfigException;
import io.hoop.broker.config.ConfigLoader;
import io.hoop.broker.token.DpopVerifier;
import io.hoop.tunnel.protocol.Handshake;
import io.hoop.tunnel.tls.Tls;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.Date;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A real broker started in-process in dev mode on a free loopback port, with its data dir in a temp
 * directory removed on close. {@link #login} runs the real device flow over HTTPS. The fixture
 * holds an EC P-256 key like the CLI's: logins carry a DPoP proof, so sessions are bound to it, and
 * {@link #send} signs a proof for every request made with a bound session token.
 */
public final class BrokerFixture implements AutoCloseable {
  private final Path dir;
  private final BrokerServer server;
  private final HttpClient http;
  private final Path configFile;
  private final ECKey dpopKey;
  private final Clock clock;

  private BrokerFixture(Path dir, BrokerServer server, Path configFile, Clock clock) {
    this(dir, server, configFile, clock, newDpopKey());
  }

  private BrokerFixture(
      Path dir, BrokerServer server, Path configFile, Clock clock, ECKey dpopKey) {
    this.dir = dir;
    this.server = server;
    this.configFile = configFile;
    this.clock = clock;
    this.dpopKey = dpopKey;
    this.http =
        HttpClient.newBuilder()
            .sslContext(Tls.jdkClientPinned(server.fingerprint()))
            .connectTimeout(Duration.ofSeconds(5))
            .build();
  }

  private static ECKey newDpopKey() {
    try {
      return new ECKeyGenerator(Curve.P_256).generate();
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot generate the fixture's DPoP key", e);
    }
  }

  /**
   * A client of this fixture's broker with the DPoP key of {@code client}: one CLI talking to
   * another replica of the same store, its sessions bound to the key it always had. Close the
   * original fixture, not this view.
   */
  public BrokerFixture asClientOf(BrokerFixture client) {
    return new BrokerFixture(dir, server, configFile, clock, client.dpopKey);
  }

  /** Starts a dev broker from YAML text; {@code listen} defaults to a free loopback port. */
  public static BrokerFixture start(String yaml) throws IOException {
    return start(yaml, Clock.systemUTC());
  }

  /**
   * As {@link #start(String)}, on {@code clock} (for tests that move the broker's time); the
   * fixture's DPoP proofs are dated by the same clock.
   */
  public static BrokerFixture start(String yaml, Clock clock) throws IOException {
    String withListen = yaml.contains("listen:") ? yaml : "listen: 127.0.0.1:0\n" + yaml;
    BrokerConfig cfg;
    try {
      cfg = ConfigLoader.parse("test config", withListen, true);
    } catch (ConfigException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    Path dir = Files.createTempDirectory("hoop-broker-");
    try {
      return new BrokerFixture(
          dir, BrokerServer.start(cfg, dir.resolve("data"), true, clock), null, clock);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      deleteTree(dir);
      throw new IOException("interrupted while starting the broker", e);
    } catch (IOException | RuntimeException e) {
      deleteTree(dir);
      throw e;
    }
  }

  /**
   * Like {@link #start}, but the YAML is written to {@code broker.yaml} in the fixture's directory
   * and the broker reloads it when it changes ({@link #configFile}).
   */
  public static BrokerFixture startFromFile(String yaml) throws IOException {
    String withListen = yaml.contains("listen:") ? yaml : "listen: 127.0.0.1:0\n" + yaml;
    Path dir = Files.createTempDirectory("hoop-broker-");
    Path file = dir.resolve("broker.yaml");
    try {
      Files.writeString(file, withListen);
      BrokerConfig cfg = ConfigLoader.load(file, true);
      return new BrokerFixture(
          dir,
          BrokerServer.start(cfg, file, dir.resolve("data"), true, Clock.systemUTC()),
          file,
          Clock.systemUTC());
    } catch (ConfigException e) {
      deleteTree(dir);
      throw new IllegalArgumentException(e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      deleteTree(dir);
      throw new IOException("interrupted while starting the broker", e);
    } catch (IOException | RuntimeException e) {
      deleteTree(dir);
      throw e;
    }
  }

  /** The watched config file of a broker started with {@link #startFromFile}. */
  public Path configFile() {
    if (configFile == null) {
      throw new IllegalStateException("this broker was not started with startFromFile");
    }
    return configFile;
  }

  public BrokerServer server() {
    return server;
  }

  public String url() {
    return server.url();
  }

  public String fingerprint() {
    return server.fingerprint();
  }

  public int port() {
    return server.port();
  }

  /** Completes the dev IdP's verification page for a user code, as a person in a browser would. */
  public String approveDeviceCode(String userCode, String username) throws IOException {
    return postForm(
        "/dev-idp/device",
        Map.of("user_code", userCode, "username", username, "action", "approve"));
  }

  /** Denies a user code on the verification page. */
  public String denyDeviceCode(String userCode, String username) throws IOException {
    return postForm(
        "/dev-idp/device", Map.of("user_code", userCode, "username", username, "action", "deny"));
  }

  /**
   * Logs {@code username} in through the real device flow (authorize, verification page, token
   * polling, session exchange) and returns the broker session token.
   */
  public String login(String username) throws IOException {
    String idToken = idToken(username);
    String body = Json.mapper().writeValueAsString(Map.of("idToken", idToken));
    Map<String, Object> session =
        json(
            send(
                "POST",
                "/v1/auth/session",
                body,
                "application/json",
                null,
                Map.of("DPoP", proof("POST", url() + "/v1/auth/session", null))));
    Object token = session.get("sessionToken");
    if (token == null) {
      throw new IOException("broker refused the login: " + session);
    }
    return (String) token;
  }

  /** An ID token of the dev IdP for {@code username} (device flow), not exchanged yet. */
  public String idToken(String username) throws IOException {
    Map<String, Object> auth =
        json(
            postForm(
                "/dev-idp/device/authorize", Map.of("client_id", "hoop-cli", "scope", "openid")));
    approveDeviceCode((String) auth.get("user_code"), username);
    Map<String, Object> tokens = null;
    for (int i = 0; i < 50 && tokens == null; i++) {
      Map<String, Object> r =
          json(
              postForm(
                  "/dev-idp/token",
                  Map.of(
                      "grant_type",
                      "urn:ietf:params:oauth:grant-type:device_code",
                      "device_code",
                      (String) auth.get("device_code"),
                      "client_id",
                      "hoop-cli")));
      if (r.containsKey("id_token")) {
        tokens = r;
      } else {
        sleep(Duration.ofMillis(300));
      }
    }
    if (tokens == null) {
      throw new IOException("dev IdP never issued a token for " + username);
    }
    return (String) tokens.get("id_token");
  }

  /**
   * Sends a request to the broker and returns the body (any status). A session token bound to the
   * fixture's key goes as {@code Authorization: DPoP} with a fresh proof; any other token as {@code
   * Bearer}.
   */
  public String send(String method, String path, String body, String contentType, String bearer)
      throws IOException {
    return send(method, path, body, contentType, bearer, Map.of());
  }

  /** As {@link #send(String, String, String, String, String)}, with extra headers. */
  public String send(
      String method,
      String path,
      String body,
      String contentType,
      String bearer,
      Map<String, String> headers)
      throws IOException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(10));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    headers.forEach(b::header);
    if (bearer != null) {
      authorize(b, method, path, bearer);
    }
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    try {
      return http.send(b.build(), HttpResponse.BodyHandlers.ofString()).body();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  /**
   * Adds the authorization headers the CLI sends for {@code token}: DPoP scheme plus a proof when
   * the token is bound ({@code cnf}), Bearer otherwise.
   */
  public void authorize(HttpRequest.Builder b, String method, String path, String token) {
    if (isBound(token)) {
      int q = path.indexOf('?');
      String htu = url() + (q < 0 ? path : path.substring(0, q));
      b.header("Authorization", "DPoP " + token);
      b.header("DPoP", proof(method, htu, token));
    } else {
      b.header("Authorization", "Bearer " + token);
    }
  }

  /** The broker's data dir (store, keys, {@code dev-idp/ci-bot.secret}). */
  public Path dataDir() {
    return dir.resolve("data");
  }

  /** The fixture's DPoP key (public and private), as the CLI keeps in {@code dpop.jwk}. */
  public ECKey dpopKey() {
    return dpopKey;
  }

  /**
   * A fresh DPoP proof by the fixture's key.
   *
   * @param htu the full URL (the broker compares its path)
   * @param token the session token sent with it (sets {@code ath}), or null at login
   */
  public String proof(String method, String htu, String token) {
    return proof(dpopKey, method, htu, token, Date.from(clock.instant()));
  }

  /** A DPoP proof with every part chosen by the caller, for tests of refusals. */
  public static String proof(ECKey key, String method, String htu, String token, Date iat) {
    JWTClaimsSet.Builder c =
        new JWTClaimsSet.Builder()
            .jwtID(UUID.randomUUID().toString())
            .claim("htm", method)
            .claim("htu", htu)
            .issueTime(iat);
    if (token != null) {
      c.claim("ath", DpopVerifier.accessTokenHash(token));
    }
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.ES256)
                .type(new JOSEObjectType("dpop+jwt"))
                .jwk(key.toPublicJWK())
                .build(),
            c.build());
    try {
      jwt.sign(new ECDSASigner(key));
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign a DPoP proof", e);
    }
    return jwt.serialize();
  }

  /**
   * The tunnel handshake the CLI sends: grant and session tokens plus, for a bound session, a proof
   * with {@code htm} TUNNEL and {@code htu} urn:hoop:tunnel:&lt;grantId&gt;.
   */
  public Handshake handshake(String grantToken, String sessionToken) {
    if (!isBound(sessionToken)) {
      return new Handshake(grantToken, sessionToken);
    }
    return new Handshake(
        grantToken,
        sessionToken,
        proof(
            DpopVerifier.TUNNEL_METHOD, "urn:hoop:tunnel:" + grantIdOf(grantToken), sessionToken));
  }

  /** The grant id ({@code jti}) a grant token names, read without verifying it. */
  public static String grantIdOf(String grantToken) {
    try {
      return SignedJWT.parse(grantToken).getJWTClaimsSet().getJWTID();
    } catch (ParseException | RuntimeException e) {
      return "unknown";
    }
  }

  /** Whether a token is a broker session token bound to a key ({@code cnf}), read unverified. */
  public static boolean isBound(String token) {
    try {
      return SignedJWT.parse(token).getJWTClaimsSet().getClaim("cnf") != null;
    } catch (ParseException | RuntimeException e) {
      return false;
    }
  }

  private String postForm(String path, Map<String, String> form) throws IOException {
    StringBuilder sb = new StringBuilder();
    form.forEach(
        (k, v) ->
            sb.append(sb.length() == 0 ? "" : "&")
                .append(URLEncoder.encode(k, StandardCharsets.UTF_8))
                .append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
    return send("POST", path, sb.toString(), "application/x-www-form-urlencoded", null);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> json(String s) throws IOException {
    return Json.mapper().readValue(s, Map.class);
  }

  private static void sleep(Duration d) throws IOException {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  @Override
  public void close() throws IOException {
    try {
      server.close();
    } finally {
      deleteTree(dir);
    }
  }

  /** Removes the fixture's directory, also when the broker failed to start or stop. */
  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
