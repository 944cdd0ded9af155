package io.hoop.it;

import static io.hoop.it.BrokerJson.get;
import static io.hoop.it.BrokerJson.post;
import static io.hoop.it.BrokerJson.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.hoop.api.AuditEvent;
import io.hoop.api.GrantStatus;
import io.hoop.broker.store.StoreException;
import io.hoop.broker.store.StoredGrant;
import io.hoop.engine.ssh.testing.OpenSshClient;
import io.hoop.engine.ssh.testing.OpenSshServer;
import io.hoop.it.HoopCli.Run;
import io.hoop.testkit.BrokerFixture;
import io.hoop.testkit.PostgresCluster;
import io.hoop.tunnel.client.TunnelClient;
import io.hoop.tunnel.client.TunnelClientConfig;
import io.hoop.tunnel.engine.Holds;
import io.hoop.tunnel.protocol.CloseNotice;
import io.hoop.tunnel.tls.Tls;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three broker replicas on one PostgreSQL store, sharing their keys through it ({@code
 * store.keyFile}): a client logged in on one is served by all; a revoke, a release or a logout made
 * on one closes the live tunnels on the others within a second (LISTEN/NOTIFY); a grant approved on
 * one is usable through another; audit appends made on all at once form one chain that verifies
 * with the key every replica signs with; a broker without the store key is refused beside them.
 */
class ReplicasIT {
  static PostgresCluster pg;
  static EchoServer echo;
  static BrokerFixture a;
  static BrokerFixture b;
  static BrokerFixture c;
  static String yaml;
  static OpenSshServer sshd;
  static Path userKey;
  @TempDir static Path dir;

  @BeforeAll
  static void start() throws Exception {
    pg = PostgresCluster.start();
    pg.createRole("hoop", "unused-with-trust");
    pg.execSql("CREATE DATABASE hoop OWNER hoop");
    echo = new EchoServer();
    sshd = OpenSshServer.start();
    userKey = dir.resolve("grant_key");
    OpenSshServer.keygen(userKey, "ed25519");
    String hostKey =
        "[127.0.0.1]:"
            + sshd.port()
            + " "
            + Files.readString(sshd.dir().resolve("host_key.pub")).strip();
    Path secrets = Files.createDirectories(dir.resolve("pg-secrets"));
    String pgDirect =
        io.hoop.testkit.PostgresTarget.named("pg-direct", pg.port(), secrets)
            .database("postgres")
            .role("ro", PostgresCluster.SUPERUSER, "unused-with-trust")
            .defaultRole("ro")
            .yaml();
    Path key = dir.resolve("store.key");
    byte[] raw = new byte[32];
    new SecureRandom().nextBytes(raw);
    Files.writeString(key, Base64.getEncoder().encodeToString(raw) + "\n");
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
    yaml =
        """
        store:
          url: postgresql://hoop@%s:%d/hoop
          keyFile: %s
        postgres:
          directListen: 127.0.0.1:0
        devIdp:
          users:
            - username: alice
              groups: [engineering]
            - username: bob
              groups: [dba]
            - username: audrey
              groups: [auditors]
        targets:
        %s
          - name: echo
            type: tcp
            address: 127.0.0.1:%d
            reviewers: [dba]
          - name: echo-review
            type: tcp
            address: 127.0.0.1:%d
            reviewers: [dba]
            onNoEntitlement: review
          - name: pg
            type: tcp
            address: %s:%d
            reviewers: [dba]
          - name: echo-via
            type: tcp
            address: 127.0.0.1:%d
            via: multi
          - name: web-1
            type: ssh
            address: 127.0.0.1:%d
            reviewers: [dba]
            ssh:
              hostKeys: ['%s']
              roles:
                ops:
                  user: %s
                  privateKeyFile: %s
                  shell: allow
        entitlements:
          - group: engineering
            targets: [echo, pg, web-1, echo-via, pg-direct]
            maxDuration: 1h
            reviewedBy: bob
            reviewedAt: 2026-01-01T00:00:00Z
            reviewExpiresAt: 2099-01-01T00:00:00Z
        """
            .formatted(
                pg.host(),
                pg.port(),
                key,
                pgDirect.stripTrailing(),
                echo.port(),
                echo.port(),
                pg.host(),
                pg.port(),
                echo.port(),
                sshd.port(),
                hostKey,
                sshd.user(),
                sshd.clientKeyFile());
    a = BrokerFixture.start(yaml);
    b = BrokerFixture.start(yaml);
    c = BrokerFixture.start(yaml);
  }

  @AfterAll
  static void stop() throws Exception {
    for (AutoCloseable x : new AutoCloseable[] {c, b, a, echo}) {
      if (x != null) {
        x.close();
      }
    }
    if (pg != null) {
      pg.close();
    }
    if (sshd != null) {
      sshd.close();
    }
  }

  @Test
  void everyReplicaServesWithTheSameKeysAndTheStoreHoldsThemSealed() throws Exception {
    assertThat(b.fingerprint()).isEqualTo(a.fingerprint());
    assertThat(c.fingerprint()).isEqualTo(a.fingerprint());
    for (String file :
        List.of("keys/signing.jwk", "keys/grant.jwk", "keys/audit.jwk", "keys/mask.key")) {
      byte[] onA = Files.readAllBytes(a.dataDir().resolve(file));
      assertThat(Files.readAllBytes(b.dataDir().resolve(file))).as(file).isEqualTo(onA);
      assertThat(Files.readAllBytes(c.dataDir().resolve(file))).as(file).isEqualTo(onA);
      assertThat(
              PosixFilePermissions.toString(
                  Files.getPosixFilePermissions(c.dataDir().resolve(file))))
          .isEqualTo("rw-------");
    }
    String rows = pg.execSql("hoop", "select name || ' ' || sealed from broker_keys order by 1");
    assertThat(rows).contains("keys/signing.jwk ", "tls/broker.key ");
    // Sealed: no key material, not even the shape of a JWK or a PEM, is readable in the store.
    assertThat(rows).doesNotContain("\"kty\"").doesNotContain("PRIVATE KEY");

    // A login on A is a login on B and C: the session token and its DPoP binding hold.
    String alice = a.login("alice");
    for (BrokerFixture replica : List.of(b.asClientOf(a), c.asClientOf(a))) {
      JsonNode g = request(replica, alice, "echo", "OPS-1");
      assertThat(g.path("status").asText()).as(g.toString()).isEqualTo("APPROVED");
      // And the grant token of one replica opens a tunnel through another.
      List<CloseNotice> notices = new CopyOnWriteArrayList<>();
      try (TunnelClient t = Tunnels.open(a, g.path("token").asText(), alice, notices)) {
        Tunnels.connectAndPing(t).close();
      }
    }
  }

  @Test
  void aDpopProofUsedOnOneReplicaIsRefusedOnEveryOther() throws Exception {
    String alice = a.login("alice");
    String path = "/v1/whoami";
    Map<String, String> headers =
        Map.of("Authorization", "DPoP " + alice, "DPoP", a.proof("GET", a.url() + path, alice));
    assertThat(a.send("GET", path, null, null, null, headers)).contains("alice");
    // the same request, proof and all, copied to another replica (the load balancer's URL is the
    // same for all, so the proof's htu fits every replica)
    for (BrokerFixture other : List.of(b.asClientOf(a), c.asClientOf(a))) {
      assertThat(other.send("GET", path, null, null, null, headers))
          .contains("already used")
          .contains("another broker replica")
          .doesNotContain("\"username\"");
    }
    // a fresh proof still works there
    assertThat(b.asClientOf(a).send("GET", path, null, null, alice)).contains("alice");
    // the claims are in the store every replica reads, as hashes: no proof text is kept
    assertThat(
            Integer.parseInt(
                pg.execSql("hoop", "select count(*) from broker_once where id like 'dpop:%'")
                    .strip()))
        .isPositive();
    assertThat(pg.execSql("hoop", "select id from broker_once")).doesNotContain(alice);
  }

  @Test
  void oneAgentGivenEveryReplicasAddressServesItsTargetsThroughEachOfThem() throws Exception {
    Path token =
        AgentProcess.mintTokenFile(
            dir.resolve("multi.token"),
            a.dataDir(),
            Files.writeString(dir.resolve("replicas.yaml"), yaml),
            "agent:multi");
    Path log = dir.resolve("multi-agent.log");
    Process agent =
        AgentProcess.start(
            List.of(), List.of(a.url(), b.url()), "multi", token, a.fingerprint(), log);
    try {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  !agent.isAlive()
                      || (a.server().agents().find("multi").isPresent()
                          && b.server().agents().find("multi").isPresent()));
      assertThat(agent.isAlive()).as("agent log: %s", Files.readString(log)).isTrue();
      assertThat(c.server().agents().find("multi")).isEmpty();
      String alice = a.login("alice");
      for (BrokerFixture replica : List.of(a, b.asClientOf(a))) {
        JsonNode g = request(replica, alice, "echo-via", "OPS-AGENT");
        assertThat(g.path("status").asText()).as(g.toString()).isEqualTo("APPROVED");
        List<CloseNotice> notices = new CopyOnWriteArrayList<>();
        try (TunnelClient t = Tunnels.open(replica, g.path("token").asText(), alice, notices)) {
          Tunnels.connectAndPing(t).close();
        }
      }
    } finally {
      agent.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aRevokeOnOneReplicaClosesLiveSessionsOnTheOthersWithinASecond() throws Exception {
    String alice = a.login("alice");
    String bob = a.login("bob");
    List<Long> millis = new ArrayList<>();
    for (int round = 0; round < 5; round++) {
      JsonNode g = request(a, alice, "echo", "OPS-R" + round);
      String id = g.path("id").asText();
      List<CloseNotice> notices = new CopyOnWriteArrayList<>();
      try (TunnelClient onB =
              Tunnels.open(b.asClientOf(a), g.path("token").asText(), alice, notices);
          TunnelClient onC =
              Tunnels.open(c.asClientOf(a), g.path("token").asText(), alice, notices)) {
        Socket sb = Tunnels.connectAndPing(onB);
        Socket sc = Tunnels.connectAndPing(onC);
        long revokedAt = System.nanoTime();
        JsonNode r = post(a, bob, "/v1/grants/" + id + "/revoke", Map.of("reason", "incident"));
        assertThat(r.path("status").asText()).as(r.toString()).isEqualTo("REVOKED");
        long closedB = awaitEof(sb);
        long closedC = awaitEof(sc);
        long worst = Math.max(closedB, closedC) - revokedAt;
        millis.add(TimeUnit.NANOSECONDS.toMillis(worst));
        assertThat(Duration.ofNanos(worst)).isLessThanOrEqualTo(Duration.ofSeconds(1));
        await().atMost(Duration.ofSeconds(5)).until(() -> notices.size() == 2);
        assertThat(notices).extracting(CloseNotice::code).containsOnly("grant_revoked");
        assertThat(notices.get(0).message())
            .isEqualTo("grant " + id + " for echo was revoked by bob: incident");
      }
    }
    System.out.println("revoke on A -> tunnels on B and C closed, ms: " + millis);
    // B counts what it heard and closed for A's decisions.
    String metrics = b.send("GET", "/metrics", null, null, null);
    assertThat(metrics).containsPattern("(?m)^hoop_cluster_messages_total [1-9]");
    assertThat(metrics).containsPattern("(?m)^hoop_cluster_reconciled_tunnels_total [1-9]");
  }

  @Test
  void aLivePsqlSessionOnOneReplicaEndsWhenTheGrantIsRevokedOnAnother() throws Exception {
    String alice = a.login("alice");
    String bob = a.login("bob");
    JsonNode g = request(a, alice, "pg", "OPS-PSQL");
    String id = g.path("id").asText();
    List<CloseNotice> notices = new CopyOnWriteArrayList<>();
    try (TunnelClient onB =
        Tunnels.open(b.asClientOf(a), g.path("token").asText(), alice, notices)) {
      int port = onB.localAddress().getPort();
      Process psql =
          new ProcessBuilder(
                  pg.program("psql").toString(),
                  "-X",
                  "-h",
                  "127.0.0.1",
                  "-p",
                  Integer.toString(port),
                  "-U",
                  PostgresCluster.SUPERUSER,
                  "-d",
                  "postgres",
                  "-c",
                  "select 'live' as state",
                  "-c",
                  "select pg_sleep(60)")
              .redirectErrorStream(true)
              .start();
      InputStream out = psql.getInputStream();
      String seen = readUntil(out, "live");
      long revokedAt = System.nanoTime();
      post(a, bob, "/v1/grants/" + id + "/revoke", Map.of("reason", "psql over"));
      assertThat(psql.waitFor(10, TimeUnit.SECONDS)).isTrue();
      long took = System.nanoTime() - revokedAt;
      String rest = new String(out.readAllBytes(), StandardCharsets.UTF_8);
      assertThat(psql.exitValue()).as(seen + rest).isNotZero();
      assertThat(Duration.ofNanos(took)).isLessThanOrEqualTo(Duration.ofSeconds(1));
      assertThat(rest).contains("server closed the connection unexpectedly");
    }
    assertThat(notices).extracting(CloseNotice::code).containsExactly("grant_revoked");
  }

  @Test
  void aLiveSshSessionOnOneReplicaEndsWhenTheGrantIsRevokedOnAnother() throws Exception {
    String alice = a.login("alice");
    String bob = a.login("bob");
    JsonNode g = request(a, alice, "web-1", "OPS-SSH");
    String id = g.path("id").asText();
    String keyLine = Files.readString(dir.resolve("grant_key.pub")).strip();
    List<CloseNotice> notices = new CopyOnWriteArrayList<>();
    BrokerFixture viaB = b.asClientOf(a);
    try (TunnelClient onB =
        TunnelClient.start(
            TunnelClientConfig.of(
                "127.0.0.1",
                b.port(),
                Tls.clientPinned(b.fingerprint()),
                0,
                () -> viaB.handshake(g.path("token").asText(), alice).withSshPublicKey(keyLine),
                new TunnelClient.Listener() {
                  @Override
                  public void closed(CloseNotice notice, long up, long down) {
                    if (notice != null) {
                      notices.add(notice);
                    }
                  }
                }))) {
      // The host key entry comes from A; the session runs on B: the replicas share host keys.
      JsonNode connection = get(a, alice, "/v1/targets/web-1/connection");
      int port = onB.localAddress().getPort();
      Path knownHosts = dir.resolve("known_hosts-" + port);
      Files.writeString(
          knownHosts, "[127.0.0.1]:" + port + " " + connection.path("sshHostKey").asText() + "\n");
      OpenSshClient ssh = new OpenSshClient(port, userKey, knownHosts, sshd.user());
      Process p =
          new ProcessBuilder(ssh.ssh(List.of(), "echo live; sleep 60"))
              .redirectErrorStream(true)
              .start();
      readUntil(p.getInputStream(), "live");
      long at = System.nanoTime();
      post(a, bob, "/v1/grants/" + id + "/revoke", Map.of("reason", "ssh over"));
      assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThat(Duration.ofNanos(System.nanoTime() - at))
          .isLessThanOrEqualTo(Duration.ofSeconds(1));
      assertThat(p.exitValue()).isNotZero();
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> b.server().tunnels().live().stream().noneMatch(t -> id.equals(t.grantId())));
    }
  }

  @Test
  void aLogoutOnOneReplicaClosesThatSessionsTunnelsOnTheOthersAndOnlyThose() throws Exception {
    String loggedOut = a.login("alice");
    String other = a.login("alice");
    JsonNode g = request(a, loggedOut, "echo", "OPS-LOGOUT");
    List<CloseNotice> notices = new CopyOnWriteArrayList<>();
    List<CloseNotice> others = new CopyOnWriteArrayList<>();
    String token = g.path("token").asText();
    try (TunnelClient gone = Tunnels.open(b.asClientOf(a), token, loggedOut, notices);
        TunnelClient kept = Tunnels.open(c.asClientOf(a), token, other, others)) {
      Socket sGone = Tunnels.connectAndPing(gone);
      Socket sKept = Tunnels.connectAndPing(kept);
      long at = System.nanoTime();
      a.send("POST", "/v1/auth/logout", "{}", "application/json", loggedOut);
      long closed = awaitEof(sGone);
      assertThat(Duration.ofNanos(closed - at)).isLessThanOrEqualTo(Duration.ofSeconds(1));
      await().atMost(Duration.ofSeconds(5)).until(() -> !notices.isEmpty());
      assertThat(notices).extracting(CloseNotice::code).containsExactly("session_revoked");
      // The other login's tunnel, on the same grant, still relays.
      sKept.getOutputStream().write("pong".getBytes(StandardCharsets.UTF_8));
      assertThat(new String(sKept.getInputStream().readNBytes(4), StandardCharsets.UTF_8))
          .isEqualTo("pong");
      assertThat(others).isEmpty();
      sKept.close();
    }
  }

  @Test
  void aDirectPasswordIssuedOnOneReplicaLogsInOnAnotherAndItsFailuresCountOnAll() throws Exception {
    String alice = a.login("alice");
    JsonNode g = request(a, alice, "pg-direct", "OPS-DIRECT");
    String id = g.path("id").asText();
    JsonNode cred = post(a, alice, "/v1/grants/" + id + "/direct", Map.of());
    String password = cred.path("password").asText();
    assertThat(password).as(cred.toString()).hasSize(32);
    // issued on A; the client behind the load balancer lands on B
    String viaB = directPsql(b, id, password, "select 'direct via b'");
    assertThat(viaB).startsWith("0:").contains("direct via b");
    // wrong passwords tried on B and C count toward one limit: the credential is burned for all
    for (int i = 0; i < io.hoop.broker.direct.DirectCredentials.MAX_FAILURES; i++) {
      assertThat(directPsql(i % 2 == 0 ? b : c, id, "wrong-" + i, "select 1"))
          .startsWith("2:")
          .contains("password authentication failed");
    }
    assertThat(directPsql(a, id, password, "select 1"))
        .as("burned on B and C, refused on A")
        .startsWith("2:")
        .contains("password authentication failed");
  }

  /** psql through {@code replica}'s direct port as grant user {@code user}: "exit:output". */
  private static String directPsql(BrokerFixture replica, String user, String password, String sql)
      throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder(
                pg.program("psql").toString(),
                "-X",
                "-At",
                "-c",
                sql,
                "host=127.0.0.1 port="
                    + replica.server().postgresDirect().orElseThrow().port()
                    + " user="
                    + user
                    + " dbname=postgres sslmode=require connect_timeout=10")
            .redirectErrorStream(true);
    pb.environment().put("PGPASSWORD", password);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return p.exitValue() + ":" + out;
  }

  @Test
  void aGrantApprovedOnOneReplicaIsUsableThroughAnother() throws Exception {
    String alice = a.login("alice");
    String bob = a.login("bob");
    JsonNode pending = request(b.asClientOf(a), alice, "echo-review", "OPS-APPROVE");
    assertThat(pending.path("status").asText()).as(pending.toString()).isEqualTo("PENDING");
    String id = pending.path("id").asText();
    JsonNode approved = post(c.asClientOf(a), bob, "/v1/grants/" + id + "/approve", Map.of());
    assertThat(approved.path("status").asText()).as(approved.toString()).isEqualTo("APPROVED");
    // The requester polling A (as a waiting hoop connect does) sees it and gets a token.
    JsonNode polled = get(a, alice, "/v1/grants/" + id);
    assertThat(polled.path("status").asText()).isEqualTo("APPROVED");
    List<CloseNotice> notices = new CopyOnWriteArrayList<>();
    try (TunnelClient t =
        Tunnels.open(b.asClientOf(a), polled.path("token").asText(), alice, notices)) {
      Tunnels.connectAndPing(t).close();
    }
  }

  @Test
  void anOperationHeldOnOneReplicaIsDecidedOnAnotherAndTheSessionGoesOnOrIsRefused()
      throws Exception {
    String alice = a.login("alice");
    String bob = a.login("bob");
    for (boolean approve : new boolean[] {true, false}) {
      JsonNode g = request(a, alice, "echo", approve ? "OPS-HOLD-1" : "OPS-HOLD-2");
      // A session on B holds an operation for review, as an engine would.
      Holds.Hold hold =
          b.server()
              .holds()
              .forSession(storedGrant(g), "s-hold-" + approve)
              .hold(new Holds.HoldRequest("exec", "systemctl restart api", "roles.ops.review[0]"))
              .toCompletableFuture()
              .get(10, TimeUnit.SECONDS);
      // The reviewer, on C, sees it pending and decides it there.
      JsonNode pending = get(c.asClientOf(a), bob, "/v1/holds?scope=pending");
      assertThat(pending.path("holds").findValuesAsText("id")).contains(hold.id());
      long at = System.nanoTime();
      JsonNode decided =
          post(
              c.asClientOf(a),
              bob,
              "/v1/holds/" + hold.id() + (approve ? "/approve" : "/deny"),
              Map.of("reason", "not now"));
      assertThat(decided.path("status").asText())
          .as(decided.toString())
          .isEqualTo(approve ? "APPROVED" : "DENIED");
      Holds.Decision d = hold.decision().toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertThat(Duration.ofNanos(System.nanoTime() - at)).isLessThan(Duration.ofSeconds(1));
      assertThat(d.approved()).isEqualTo(approve);
      assertThat(d.by()).isEqualTo("bob");
      if (!approve) {
        assertThat(d.reason()).isEqualTo("denied by bob: not now");
      }
      // Audited once, on the replica where the reviewer decided.
      assertThat(
              a.server().audit().list(0, 100_000, null, null).stream()
                  .filter(e -> hold.id().equals(e.details().get("hold")))
                  .map(AuditEvent::type))
          .contains("hold.requested", approve ? "hold.approved" : "hold.denied")
          .doesNotContain("hold.cancelled");
    }
  }

  private static StoredGrant storedGrant(JsonNode g) {
    return new StoredGrant(
        g.path("id").asText(),
        g.path("principal").asText(),
        g.path("target").asText(),
        "tcp",
        null,
        g.path("task").asText(),
        null,
        GrantStatus.APPROVED,
        g.path("decisionReason").asText(),
        Duration.ofHours(1),
        Instant.parse(g.path("requestedAt").asText()),
        Instant.parse(g.path("approvedAt").asText()),
        Instant.parse(g.path("expiresAt").asText()),
        null,
        null,
        List.of("dba"),
        0,
        null);
  }

  @Test
  void aWaitingHoopConnectOnOneReplicaProceedsWhenAReviewerApprovesOnAnother() throws Exception {
    java.util.Map<String, String> env = HoopCli.env(dir.resolve("waiting"));
    HoopCli.login(b, env, "alice", "onb");
    String bob = a.login("bob");
    java.util.concurrent.CompletableFuture<Run> running =
        java.util.concurrent.CompletableFuture.supplyAsync(
            () ->
                HoopCli.run(
                    env,
                    null,
                    "--profile",
                    "onb",
                    "connect",
                    "echo-review",
                    "--task",
                    "OPS-WAIT",
                    "--reason",
                    "deploy",
                    "--",
                    "sh",
                    "-c",
                    "exit 7"));
    String id =
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () -> {
                  for (JsonNode g : get(a, bob, "/v1/grants?scope=pending").path("grants")) {
                    if ("OPS-WAIT".equals(g.path("task").asText())) {
                      return g.path("id").asText();
                    }
                  }
                  return null;
                },
                java.util.Objects::nonNull);
    JsonNode approved = post(a, bob, "/v1/grants/" + id + "/approve", Map.of());
    assertThat(approved.path("status").asText()).as(approved.toString()).isEqualTo("APPROVED");
    Run r = running.get(60, TimeUnit.SECONDS);
    // The wrapped command ran (its exit code is hoop's), under the grant approved on A.
    assertThat(r.code()).as(r.err()).isEqualTo(7);
    assertThat(r.err()).contains(id);
  }

  @Test
  void auditAppendsOnEveryReplicaAtOnceFormOneChainThatVerifies() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (BrokerFixture replica : List.of(a, b, c)) {
        for (int t = 0; t < 2; t++) {
          int thread = t;
          done.add(
              pool.submit(
                  () -> {
                    for (int i = 0; i < 100; i++) {
                      replica
                          .server()
                          .audit()
                          .append(
                              "test.concurrent",
                              "replica-" + replica.port() + "-" + thread,
                              null,
                              null,
                              null,
                              Map.of("i", i));
                    }
                    return null;
                  }));
        }
      }
      for (Future<?> f : done) {
        f.get(120, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    List<AuditEvent> all = a.server().audit().list(0, 100_000, null, null);
    assertThat(all.stream().filter(e -> e.type().equals("test.concurrent"))).hasSize(600);
    for (int i = 0; i < all.size(); i++) {
      assertThat(all.get(i).seq()).isEqualTo(i + 1L);
    }

    // Exported from C, verified with the public key A publishes: one chain, one signing key.
    Path home = dir.resolve("audrey");
    Run login =
        HoopCli.run(
            HoopCli.env(home),
            new CodeApprover(c, "audrey", true),
            "login",
            "--broker",
            c.url(),
            "--fingerprint",
            c.fingerprint());
    assertThat(login.code()).as(login.err()).isZero();
    Run export = HoopCli.run(HoopCli.env(home), null, "audit", "export", "-o", "jsonl");
    assertThat(export.code()).as(export.err()).isZero();
    Path file = dir.resolve("replicas-audit.jsonl");
    Files.writeString(file, export.out());
    Path key = dir.resolve("audit-key-from-a.jwk");
    Files.writeString(key, a.send("GET", "/v1/audit/public-key", null, null, null));
    Run verify =
        HoopCli.run(
            HoopCli.env(home),
            null,
            "audit",
            "verify",
            file.toString(),
            "--public-key",
            key.toString());
    assertThat(verify.code()).as(verify.out() + verify.err()).isZero();
    assertThat(verify.out()).contains("chain intact");
  }

  @Test
  void whenItsBrokerDiesHoopConnectOpensNewConnectionsThroughAnotherReplica() throws Exception {
    BrokerFixture d = BrokerFixture.start(yaml);
    boolean dStopped = false;
    try {
      java.util.Map<String, String> env = HoopCli.env(dir.resolve("failover"));
      env.put(io.hoop.cli.broker.BrokerReplicas.ENV, "127.0.0.1:" + b.port());
      HoopCli.login(d, env, "alice", "fo");
      int port;
      try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
        port = free.getLocalPort();
      }
      java.util.concurrent.CompletableFuture<Run> running =
          java.util.concurrent.CompletableFuture.supplyAsync(
              () ->
                  HoopCli.run(
                      env,
                      null,
                      "--profile",
                      "fo",
                      "connect",
                      "echo",
                      "--task",
                      "OPS-FAILOVER",
                      "--port",
                      Integer.toString(port)));
      Socket first =
          await()
              .atMost(Duration.ofSeconds(30))
              .ignoreExceptions()
              .until(() -> ping(port), java.util.Objects::nonNull);
      assertThat(d.server().tunnels().live()).hasSize(1);
      String grant = d.server().tunnels().live().get(0).grantId();

      d.close();
      dStopped = true;
      awaitEof(first);
      // The grant lives on: the next connection goes to B, which knows it from the store.
      long at = System.nanoTime();
      Socket second = ping(port);
      System.out.println(
          "failover: new connection through B in "
              + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - at)
              + " ms");
      assertThat(b.server().tunnels().live()).anyMatch(t -> t.grantId().equals(grant));

      String bob = a.login("bob");
      post(b.asClientOf(a), bob, "/v1/grants/" + grant + "/revoke", Map.of("reason", "done"));
      awaitEof(second);
      Run r = running.get(30, TimeUnit.SECONDS);
      assertThat(r.err()).contains("revoked");

      // The CLI's API calls fail over too (the profile still names the dead broker): only a
      // failure to connect moves a call on, so nothing is sent twice.
      Run targets = HoopCli.run(env, null, "--profile", "fo", "targets", "-o", "json");
      assertThat(targets.code()).as(targets.err()).isZero();
      assertThat(targets.out()).contains("\"echo\"");
      Run whoami = HoopCli.run(env, null, "--profile", "fo", "whoami");
      assertThat(whoami.code()).as(whoami.err()).isZero();
      assertThat(whoami.out()).contains("alice");
      // without the replicas, the dead broker is all it knows
      java.util.Map<String, String> alone = new java.util.HashMap<>(env);
      alone.remove(io.hoop.cli.broker.BrokerReplicas.ENV);
      Run dead = HoopCli.run(alone, null, "--profile", "fo", "targets");
      assertThat(dead.code()).isNotZero();
      assertThat(dead.err()).contains("cannot reach broker");
    } finally {
      if (!dStopped) {
        d.close();
      }
    }
  }

  private static Socket ping(int port) throws Exception {
    Socket s = new Socket("127.0.0.1", port);
    s.setSoTimeout(10_000);
    s.getOutputStream().write("ping".getBytes(StandardCharsets.UTF_8));
    byte[] got = s.getInputStream().readNBytes(4);
    if (!"ping".equals(new String(got, StandardCharsets.UTF_8))) {
      s.close();
      throw new java.io.IOException("no echo through the tunnel yet");
    }
    return s;
  }

  @Test
  void anApprovalLeftWithoutItsAuditRecordIsRecordedByOneReplicaOnly() throws Exception {
    String alice = a.login("alice");
    String source = request(a, alice, "echo", "OPS-RECOVER").path("id").asText();
    // A grant approved a minute ago whose audit record never came (its replica was killed between
    // the two commits): one replica records it, once, marked recovered.
    String lost = "g-lostrecord" + (System.nanoTime() % 1000);
    pg.execSql(
        "hoop",
        "create temp table t as select * from grants where id = '"
            + source
            + "'; update t set id = '"
            + lost
            + "', approved_at = now() - interval '60 seconds'; insert into grants select * from t;");
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                a.server().audit().list(0, 100_000, null, null).stream()
                    .anyMatch(e -> lost.equals(e.grantId())));
    Thread.sleep(java.time.Duration.ofSeconds(12).toMillis());
    List<AuditEvent> recorded =
        a.server().audit().list(0, 100_000, null, null).stream()
            .filter(e -> lost.equals(e.grantId()))
            .toList();
    assertThat(recorded).hasSize(1);
    assertThat(recorded.get(0).type()).isEqualTo("grant.approved");
    assertThat(recorded.get(0).details()).containsKey("recovered");
  }

  @Test
  void aBrokerWithoutTheStoreKeyIsRefusedBesideTheReplicas() {
    String solo = yaml.replaceFirst("  keyFile: .*\\n", "");
    assertThatThrownBy(() -> BrokerFixture.start(solo).close())
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("another broker serves from this store")
        .hasMessageContaining("store.keyFile");
  }

  @Test
  void aDataDirKeyThatDiffersFromTheStoresStopsTheReplicaAndSaysWhichFile() throws Exception {
    Path stale = Files.createTempDirectory("hoop-stale-");
    try {
      Path data = stale.resolve("data");
      Files.createDirectories(data.resolve("keys"));
      Files.writeString(data.resolve("keys/mask.key"), "not the shared one");
      assertThatThrownBy(
              () ->
                  io.hoop.broker.BrokerServer.start(
                          io.hoop.broker.config.ConfigLoader.parse(
                              "test", "listen: 127.0.0.1:0\n" + yaml, true),
                          data,
                          true,
                          java.time.Clock.systemUTC())
                      .close())
          .hasMessageContaining(data.resolve("keys/mask.key").toString())
          .hasMessageContaining("differs from the keys/mask.key the other replicas share")
          .hasMessageContaining("move");
      // Nothing of the refused start is left half-written.
      assertThat(Files.readString(data.resolve("keys/mask.key"))).isEqualTo("not the shared one");
    } finally {
      try (Stream<Path> s = Files.walk(stale)) {
        s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** Reads a live session's output until {@code marker}; returns what was read. */
  private static String readUntil(InputStream out, String marker) throws java.io.IOException {
    StringBuilder seen = new StringBuilder();
    while (!seen.toString().contains(marker)) {
      int ch = out.read();
      assertThat(ch).as("output so far: %s", seen).isNotNegative();
      seen.append((char) ch);
    }
    return seen.toString();
  }

  /** Reads until the connection ends; returns System.nanoTime() then. */
  private static long awaitEof(Socket s) throws Exception {
    s.setSoTimeout(10_000);
    try (s;
        InputStream in = s.getInputStream()) {
      while (in.read() >= 0) {
        // until the tunnel closes it
      }
    } catch (java.net.SocketException reset) {
      // a reset ends it too
    }
    return System.nanoTime();
  }
}
