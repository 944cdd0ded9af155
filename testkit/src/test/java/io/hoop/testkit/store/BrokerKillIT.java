package io.hoop.testkit.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import io.hoop.api.ApiError;
import io.hoop.api.AuditCanonical;
import io.hoop.api.AuditRecord;
import io.hoop.api.GrantStatus;
import io.hoop.api.Json;
import io.hoop.broker.store.AuditLog;
import io.hoop.broker.store.GrantStore;
import io.hoop.broker.store.PostgresConfig;
import io.hoop.broker.store.Store;
import io.hoop.broker.store.StoredGrant;
import io.hoop.testkit.BrokerFixture;
import io.hoop.testkit.PostgresCluster;
import io.hoop.tunnel.client.TunnelClient;
import io.hoop.tunnel.client.TunnelClientConfig;
import io.hoop.tunnel.protocol.Handshake;
import io.hoop.tunnel.protocol.HandshakeReply;
import io.hoop.tunnel.tls.Tls;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing acknowledged is lost when the broker is killed: a broker process (BrokerMain, as the
 * hoop-broker launcher runs it) under grant requests, approvals and live tunnel sessions is killed
 * with SIGKILL at random points and restarted on the same data dir and store, {@code hoop.kills}
 * times (3 by default; bench/scale runs 20). Then every call that returned success has its decision
 * in the store and its audit record, and the hash chain is whole: on the embedded H2 store and on
 * PostgreSQL.
 */
class BrokerKillIT {
  private static final int KILLS = Integer.getInteger("hoop.kills", 3);

  @TempDir Path dir;

  private final List<Process> brokers = new ArrayList<>();
  private final List<AutoCloseable> closing = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (Process p : brokers) {
      p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
    for (int i = closing.size() - 1; i >= 0; i--) {
      closing.get(i).close();
    }
  }

  @Test
  void killedBrokerOnTheEmbeddedStoreLosesNothingAcknowledged() throws Exception {
    Path data = dir.resolve("data");
    Acked acked = killLoop("", data);
    try (Store store = Store.openEmbedded(data)) {
      check(store, acked);
    } catch (AssertionError e) {
      keep("h2");
      throw e;
    }
  }

  @Test
  void killedBrokerOnPostgresLosesNothingAcknowledged() throws Exception {
    PostgresCluster pg = PostgresCluster.start();
    closing.add(pg);
    PostgresConfig db = PostgresStores.freshDatabase(pg);
    String storeYaml =
        "store:\n  url: postgresql://%s:%d/%s\n  user: %s\n"
            .formatted(db.host(), db.port(), db.database(), db.user());
    Acked acked = killLoop(storeYaml, dir.resolve("data"));
    try (Store store = Store.openPostgres(db)) {
      check(store, acked);
    } catch (AssertionError e) {
      keep("postgresql");
      throw e;
    }
  }

  /** Keeps the broker's log and data dir of a failed run in target/ (the temp dir goes away). */
  private void keep(String store) throws IOException {
    Path to = Path.of("target", "broker-kill-" + store).toAbsolutePath();
    try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Path q = to.resolve(dir.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(q);
        } else {
          Files.copy(p, q, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
    System.err.println("BrokerKillIT: broker log and data dir kept in " + to);
  }

  /** What the broker answered with success, across all its lives. */
  record Acked(
      Set<String> autoApproved,
      Set<String> pending,
      Set<String> approved,
      Set<String> sessions,
      Map<String, String> lifeOf) {
    static Acked empty() {
      return new Acked(
          ConcurrentHashMap.newKeySet(),
          ConcurrentHashMap.newKeySet(),
          ConcurrentHashMap.newKeySet(),
          ConcurrentHashMap.newKeySet(),
          new ConcurrentHashMap<>());
    }

    int total() {
      return autoApproved.size() + pending.size() + approved.size() + sessions.size();
    }
  }

  private Acked killLoop(String storeYaml, Path data) throws Exception {
    Echo echo = new Echo();
    closing.add(echo);
    Path config = dir.resolve("broker.yaml");
    Files.writeString(
        config,
        """
        listen: 127.0.0.1:0
        sessionTtl: 1h
        %2$s
        devIdp:
          pollInterval: 1s
          users:
            - username: alice
              groups: [engineering]
            - username: bob
              groups: [dba]
        targets:
          - name: auto
            type: tcp
            address: 127.0.0.1:%1$d
            maxDuration: 1h
          - name: gated
            type: tcp
            address: 127.0.0.1:%1$d
            maxDuration: 1h
            reviewers: [dba]
            onNoEntitlement: review
        entitlements:
          - group: engineering
            targets: [auto]
            maxDuration: 1h
            reviewedBy: test
            reviewExpiresAt: 2099-01-01T00:00:00Z
        """
            .formatted(echo.port(), storeYaml));
    long seed = Long.getLong("hoop.kills.seed", System.nanoTime());
    Random random = new Random(seed);
    Acked acked = Acked.empty();
    Broker broker = Broker.start(config, data, dir, brokers);
    User alice = broker.login("alice");
    User bob = broker.login("bob");
    for (int kill = 1; kill <= KILLS; kill++) {
      Load load = new Load(broker, alice, bob, acked, "life " + kill + " of seed " + seed);
      load.start();
      // Once the load runs (a busy machine may take seconds for the first answers), somewhere
      // in the middle of requests, approvals and handshakes.
      int sessions = acked.sessions().size();
      int approved = acked.approved().size();
      int auto = acked.autoApproved().size();
      Instant busy = Instant.now().plusSeconds(60);
      while ((acked.sessions().size() == sessions
              || acked.approved().size() == approved
              || acked.autoApproved().size() < auto + 2)
          && Instant.now().isBefore(busy)) {
        Thread.sleep(20);
      }
      Thread.sleep(random.nextInt(2000));
      broker.kill();
      assertThat(broker.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
      load.stop();
      assertThat(load.problems)
          .as("requests that failed while the broker was alive (seed %d, kill %d)", seed, kill)
          .isEmpty();
      broker = Broker.start(config, data, dir, brokers);
      alice = alice.on(broker);
      bob = bob.on(broker);
    }
    assertThat(acked.autoApproved()).as("auto-approved grants acknowledged").isNotEmpty();
    assertThat(acked.approved()).as("approvals acknowledged").isNotEmpty();
    assertThat(acked.sessions()).as("tunnel sessions acknowledged").isNotEmpty();
    // The restarted broker answers for what it acknowledged before the kills.
    String someGrant = acked.approved().iterator().next();
    JsonNode g = alice.get("/v1/grants/" + someGrant);
    assertThat(g.path("status").asText()).as(g.toString()).isEqualTo("APPROVED");
    broker.process.destroy();
    assertThat(broker.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return acked;
  }

  /** Every acknowledged decision is in the store and audited; the chain verifies. */
  private static void check(Store store, Acked acked) {
    GrantStore grants = new GrantStore(store);
    AuditLog audit = new AuditLog(store, Clock.systemUTC());
    List<AuditRecord> records = new ArrayList<>();
    audit.records(Long.MAX_VALUE, null, null, null, null, records::add);
    String prev = AuditCanonical.GENESIS_HASH;
    for (int i = 0; i < records.size(); i++) {
      AuditRecord r = records.get(i);
      assertThat(r.seq()).as("audit seq without gaps").isEqualTo(i + 1L);
      assertThat(r.prevHash()).as("prev hash of seq %d", r.seq()).isEqualTo(prev);
      assertThat(r.computeHash()).as("hash of seq %d", r.seq()).isEqualTo(r.hash());
      prev = r.hash();
    }
    Map<String, Set<String>> byType = new HashMap<>();
    Set<String> auditedSessions = new HashSet<>();
    for (AuditRecord r : records) {
      if (r.grantId() != null) {
        byType.computeIfAbsent(r.type(), t -> new HashSet<>()).add(r.grantId());
      }
      if (r.type().equals("tunnel.open")) {
        auditedSessions.add(r.details().path("session").asText());
      }
    }
    for (String id : acked.autoApproved()) {
      assertThat(status(grants, id))
          .as("auto-approved grant %s", id)
          .contains(GrantStatus.APPROVED);
    }
    assertThat(byType.getOrDefault("grant.approved", Set.of()))
        .as("grant.approved records")
        .containsAll(acked.autoApproved())
        .containsAll(acked.approved());
    for (String id : acked.pending()) {
      assertThat(status(grants, id))
          .as("requested grant %s (acknowledged in %s)", id, acked.lifeOf().get(id))
          .isPresent();
    }
    assertThat(byType.getOrDefault("grant.pending", Set.of()))
        .as("grant.pending records")
        .containsAll(acked.pending());
    for (String id : acked.approved()) {
      assertThat(status(grants, id))
          .as("approved grant %s (acknowledged in %s)", id, acked.lifeOf().get(id))
          .contains(GrantStatus.APPROVED);
    }
    assertThat(byType.getOrDefault("grant.approval", Set.of()))
        .as("grant.approval records")
        .containsAll(acked.approved());
    assertThat(auditedSessions).as("tunnel.open records").containsAll(acked.sessions());
    // A decision that took effect is audited, even when its call never returned.
    for (StoredGrant sg : grants.byStatus(GrantStatus.APPROVED, 100_000)) {
      assertThat(byType.getOrDefault("grant.approved", Set.of()))
          .as("approved grant %s in the store has its grant.approved record", sg.id())
          .contains(sg.id());
    }
  }

  private static Optional<GrantStatus> status(GrantStore grants, String id) {
    return grants.find(id).map(StoredGrant::status);
  }

  /** Requests, approvals and tunnel sessions on one broker life, recording what succeeded. */
  private static final class Load {
    private final Broker broker;
    private final User alice;
    private final User bob;
    private final Acked acked;
    private final List<Thread> threads = new ArrayList<>();
    private final List<String> problems = java.util.Collections.synchronizedList(new ArrayList<>());
    private volatile boolean stopping;
    private volatile boolean dead;
    private final String life;

    Load(Broker broker, User alice, User bob, Acked acked, String life) {
      this.life = life;
      this.broker = broker;
      this.alice = alice;
      this.bob = bob;
      this.acked = acked;
    }

    void start() {
      for (int i = 0; i < 2; i++) {
        spawn("auto-" + i, this::autoGrants);
      }
      spawn("approvals", this::approvals);
      spawn("sessions", this::sessions);
    }

    private void spawn(String name, ThrowingRunnable body) {
      Thread t =
          new Thread(
              () -> {
                try {
                  body.run();
                } catch (Exception | AssertionError e) {
                  if (!stopping && !broker.gone()) {
                    problems.add(name + ": " + e);
                  }
                }
              },
              "kill-load-" + name);
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }

    /** Whether a failure happened because the broker was killed (then it is not a problem). */
    private boolean killed() {
      dead |= broker.gone() || stopping;
      return dead;
    }

    private void autoGrants() throws Exception {
      while (!killed()) {
        JsonNode g =
            alice.postOrNull(
                "/v1/grants", Map.of("target", "auto", "task", "KILL-1", "reason", "kill"));
        if (g == null) {
          continue;
        }
        assertThat(g.path("status").asText()).as(g.toString()).isEqualTo("APPROVED");
        acked.autoApproved().add(g.path("id").asText());
        acked.lifeOf().put(g.path("id").asText(), life);
      }
    }

    private void approvals() throws Exception {
      while (!killed()) {
        JsonNode g =
            alice.postOrNull(
                "/v1/grants", Map.of("target", "gated", "task", "KILL-2", "reason", "kill"));
        if (g == null) {
          continue;
        }
        assertThat(g.path("status").asText()).as(g.toString()).isEqualTo("PENDING");
        String id = g.path("id").asText();
        acked.pending().add(id);
        acked.lifeOf().put(id, life);
        JsonNode a = bob.postOrNull("/v1/grants/" + id + "/approve", Map.of());
        if (a == null) {
          continue;
        }
        assertThat(a.path("status").asText()).as(a.toString()).isEqualTo("APPROVED");
        acked.approved().add(id);
        acked.lifeOf().put(id, life);
      }
    }

    /** Tunnels through the real client, a new one every 50 ms, each echoing bytes. */
    private void sessions() throws Exception {
      JsonNode g =
          alice.postOrNull(
              "/v1/grants", Map.of("target", "auto", "task", "KILL-1", "reason", "kill"));
      if (g == null) {
        return;
      }
      acked.autoApproved().add(g.path("id").asText());
      acked.lifeOf().put(g.path("id").asText(), life);
      String grantId = g.path("id").asText();
      String grantToken = g.path("token").asText();
      TunnelClient client =
          TunnelClient.start(
              TunnelClientConfig.of(
                  "127.0.0.1",
                  broker.port(),
                  Tls.clientPinned(broker.fingerprint),
                  0,
                  () ->
                      new Handshake(
                          grantToken,
                          alice.token,
                          BrokerFixture.proof(
                              alice.key,
                              "TUNNEL",
                              "urn:hoop:tunnel:" + grantId,
                              alice.token,
                              new Date())),
                  new TunnelClient.Listener() {
                    @Override
                    public void opened(HandshakeReply reply) {
                      acked.sessions().add(reply.sessionId());
                      acked.lifeOf().put(reply.sessionId(), life);
                    }

                    @Override
                    public void refused(ApiError error) {
                      if (!broker.gone()) {
                        problems.add("tunnel refused: " + error.code() + " " + error.message());
                      }
                    }

                    @Override
                    public void failed(String message, Throwable cause) {
                      if (!broker.gone()) {
                        problems.add("tunnel failed: " + message);
                      }
                    }
                  }));
      List<Socket> open = new ArrayList<>();
      try {
        byte[] ping = "ping\n".getBytes(StandardCharsets.US_ASCII);
        while (!killed()) {
          Socket s = new Socket(InetAddress.getLoopbackAddress(), client.localAddress().getPort());
          s.setSoTimeout(5000);
          open.add(s);
          for (Socket t : open) {
            try {
              t.getOutputStream().write(ping);
              t.getInputStream().readNBytes(ping.length);
            } catch (IOException e) {
              // The broker is gone: the next round sees it.
            }
          }
          Thread.sleep(50);
        }
      } finally {
        for (Socket s : open) {
          s.close();
        }
        client.close();
      }
    }

    void stop() throws InterruptedException {
      stopping = true;
      for (Thread t : threads) {
        t.join(30_000);
      }
    }
  }

  @FunctionalInterface
  private interface ThrowingRunnable {
    void run() throws Exception;
  }

  /** One life of the broker process. */
  private static final class Broker {
    final Process process;
    final String url;
    final String fingerprint;
    final HttpClient http;

    private Broker(Process process, String url, String fingerprint) {
      this.process = process;
      this.url = url;
      this.fingerprint = fingerprint;
      this.http =
          HttpClient.newBuilder()
              .sslContext(Tls.jdkClientPinned(fingerprint))
              .connectTimeout(Duration.ofSeconds(5))
              .build();
    }

    private volatile boolean killed;

    int port() {
      return URI.create(url).getPort();
    }

    /** SIGKILL; from now on a failed call is one the kill cut, not an error. */
    void kill() {
      killed = true;
      process.destroyForcibly();
    }

    boolean gone() {
      return killed || !process.isAlive();
    }

    /** Starts {@code BrokerMain serve} in a JVM of its own and waits for its ready file. */
    static Broker start(Path config, Path data, Path dir, List<Process> all) throws Exception {
      Path ready = dir.resolve("ready.json");
      Files.deleteIfExists(ready);
      Path log = dir.resolve("broker.log");
      Process p =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-Xmx512m",
                  "-cp",
                  System.getProperty("java.class.path"),
                  "io.hoop.broker.BrokerMain",
                  "serve",
                  "--dev",
                  "--config",
                  config.toString(),
                  "--data-dir",
                  data.toString(),
                  "--ready-file",
                  ready.toString())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .start();
      all.add(p);
      Instant deadline = Instant.now().plusSeconds(90);
      while (!Files.exists(ready) || Files.size(ready) == 0) {
        if (!p.isAlive() || Instant.now().isAfter(deadline)) {
          throw new IllegalStateException(
              "broker did not start: " + tail(Files.readString(log, StandardCharsets.UTF_8)));
        }
        Thread.sleep(100);
      }
      JsonNode r = Json.mapper().readTree(Files.readString(ready, StandardCharsets.UTF_8));
      return new Broker(p, r.path("url").asText(), r.path("fingerprint").asText());
    }

    private static String tail(String s) {
      return s.length() > 4000 ? s.substring(s.length() - 4000) : s;
    }

    /** The dev IdP's device flow, then a session bound to a fresh P-256 key. */
    User login(String username) throws Exception {
      JsonNode auth =
          form("/dev-idp/device/authorize", Map.of("client_id", "hoop-cli", "scope", "openid"));
      form(
          "/dev-idp/device",
          Map.of(
              "user_code",
              auth.path("user_code").asText(),
              "username",
              username,
              "action",
              "approve"));
      String idToken = null;
      for (int i = 0; i < 50 && idToken == null; i++) {
        JsonNode t =
            form(
                "/dev-idp/token",
                Map.of(
                    "grant_type",
                    "urn:ietf:params:oauth:grant-type:device_code",
                    "device_code",
                    auth.path("device_code").asText(),
                    "client_id",
                    "hoop-cli"));
        if (t.has("id_token")) {
          idToken = t.path("id_token").asText();
        } else {
          Thread.sleep(300);
        }
      }
      assertThat(idToken).as("dev IdP token for " + username).isNotNull();
      ECKey key = new ECKeyGenerator(Curve.P_256).generate();
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create(url + "/v1/auth/session"))
                  .header("Content-Type", "application/json")
                  .header(
                      "DPoP",
                      BrokerFixture.proof(key, "POST", url + "/v1/auth/session", null, new Date()))
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          Json.mapper().writeValueAsString(Map.of("idToken", idToken))))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      JsonNode s = Json.mapper().readTree(r.body());
      assertThat(s.has("sessionToken")).as(r.body()).isTrue();
      return new User(this, key, s.path("sessionToken").asText());
    }

    private JsonNode form(String path, Map<String, String> fields) throws Exception {
      String body =
          fields.entrySet().stream()
              .map(
                  e ->
                      URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                          + "="
                          + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
              .collect(Collectors.joining("&"));
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create(url + path))
                  .header("Content-Type", "application/x-www-form-urlencoded")
                  .POST(HttpRequest.BodyPublishers.ofString(body))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      String text = r.body().strip();
      return text.startsWith("{") ? Json.mapper().readTree(text) : Json.mapper().createObjectNode();
    }
  }

  /** A logged-in user: session token bound to its key, on one broker life. */
  private record User(Broker broker, ECKey key, String token) {
    User on(Broker next) {
      return new User(next, key, token);
    }

    JsonNode get(String path) throws Exception {
      return send("GET", path, null);
    }

    /**
     * The answer of a successful POST; null when the broker is gone (the call was not
     * acknowledged). Any other failure is the test's.
     */
    JsonNode postOrNull(String path, Object body) throws Exception {
      try {
        return send("POST", path, Json.mapper().writeValueAsString(body));
      } catch (IOException e) {
        if (!broker.gone()) {
          throw e;
        }
        return null;
      }
    }

    private JsonNode send(String method, String path, String body) throws Exception {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(URI.create(broker.url + path))
              .timeout(Duration.ofSeconds(20))
              .header("Authorization", "DPoP " + token)
              .header(
                  "DPoP", BrokerFixture.proof(key, method, broker.url + path, token, new Date()));
      if (body == null) {
        b.GET();
      } else {
        b.header("Content-Type", "application/json");
        b.method(method, HttpRequest.BodyPublishers.ofString(body));
      }
      HttpResponse<String> r = broker.http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IllegalStateException(
            method + " " + path + ": HTTP " + r.statusCode() + " " + r.body());
      }
      return Json.mapper().readTree(r.body());
    }
  }

  /** A plain echo server for the tcp targets. */
  private static final class Echo implements AutoCloseable {
    private final ServerSocket server;

    Echo() throws IOException {
      server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
      Thread t = new Thread(this::accept, "kill-echo");
      t.setDaemon(true);
      t.start();
    }

    int port() {
      return server.getLocalPort();
    }

    private void accept() {
      while (!server.isClosed()) {
        try {
          Socket s = server.accept();
          Thread t =
              new Thread(
                  () -> {
                    try (s;
                        InputStream in = s.getInputStream();
                        OutputStream out = s.getOutputStream()) {
                      in.transferTo(out);
                    } catch (IOException e) {
                      // The tunnel went away with the broker.
                    }
                  },
                  "kill-echo-conn");
          t.setDaemon(true);
          t.start();
        } catch (IOException e) {
          return;
        }
      }
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
  }
}
