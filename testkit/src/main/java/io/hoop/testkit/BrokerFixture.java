package io.hoop.testkit;

import io.hoop.api.Json;
import io.hoop.broker.BrokerServer;
import io.hoop.broker.config.BrokerConfig;
import io.hoop.broker.config.ConfigException;
import io.hoop.broker.config.ConfigLoader;
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
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A real broker started in-process in dev mode on a free loopback port, with its data dir in a temp
 * directory removed on close. {@link #login} runs the real device flow over HTTPS.
 */
public final class BrokerFixture implements AutoCloseable {
  private final Path dir;
  private final BrokerServer server;
  private final HttpClient http;
  private final Path configFile;

  private BrokerFixture(Path dir, BrokerServer server) {
    this(dir, server, null);
  }

  private BrokerFixture(Path dir, BrokerServer server, Path configFile) {
    this.dir = dir;
    this.server = server;
    this.configFile = configFile;
    this.http =
        HttpClient.newBuilder()
            .sslContext(Tls.jdkClientPinned(server.fingerprint()))
            .connectTimeout(Duration.ofSeconds(5))
            .build();
  }

  /** Starts a dev broker from YAML text; {@code listen} defaults to a free loopback port. */
  public static BrokerFixture start(String yaml) throws IOException {
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
          dir, BrokerServer.start(cfg, dir.resolve("data"), true, Clock.systemUTC()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while starting the broker", e);
    }
  }

  /**
   * Like {@link #start}, but the YAML is written to {@code broker.yaml} in the fixture's directory
   * and the broker reloads it when it changes ({@link #configFile}).
   */
  public static BrokerFixture startFromFile(String yaml) throws IOException {
    String withListen = yaml.contains("listen:") ? yaml : "listen: 127.0.0.1:0\n" + yaml;
    Path dir = Files.createTempDirectory("hoop-broker-");
    Path file = Files.writeString(dir.resolve("broker.yaml"), withListen);
    try {
      BrokerConfig cfg = ConfigLoader.load(file, true);
      return new BrokerFixture(
          dir, BrokerServer.start(cfg, file, dir.resolve("data"), true, Clock.systemUTC()), file);
    } catch (ConfigException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while starting the broker", e);
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
    String body = Json.mapper().writeValueAsString(Map.of("idToken", tokens.get("id_token")));
    Map<String, Object> session =
        json(send("POST", "/v1/auth/session", body, "application/json", null));
    Object token = session.get("sessionToken");
    if (token == null) {
      throw new IOException("broker refused the login: " + session);
    }
    return (String) token;
  }

  /** Sends a request to the broker and returns the body (any status). */
  public String send(String method, String path, String body, String contentType, String bearer)
      throws IOException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(10));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    if (bearer != null) {
      b.header("Authorization", "Bearer " + bearer);
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
    server.close();
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
