package io.hoop.it;

import static io.hoop.it.BrokerJson.events;
import static io.hoop.it.BrokerJson.get;
import static io.hoop.it.BrokerJson.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.hoop.api.AuditEvent;
import io.hoop.api.Grant;
import io.hoop.api.Json;
import io.hoop.asciicast.CastEvent;
import io.hoop.asciicast.CastReader;
import io.hoop.asciicast.CastRecording;
import io.hoop.engine.ssh.testing.OpenSshClient;
import io.hoop.engine.ssh.testing.OpenSshClient.Result;
import io.hoop.engine.ssh.testing.OpenSshServer;
import io.hoop.testkit.BrokerFixture;
import io.hoop.tunnel.client.TunnelClient;
import io.hoop.tunnel.client.TunnelClientConfig;
import io.hoop.tunnel.protocol.CloseNotice;
import io.hoop.tunnel.tls.Tls;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The ssh engine end to end with real parts: a broker with ssh targets in front of a real OpenSSH
 * sshd, tunnels opened as {@code hoop connect} opens them (the handshake carrying the grant's
 * ephemeral public key), and the real OpenSSH {@code ssh} client pointed at the tunnel's local port
 * with a known_hosts entry for the broker's per-target host key.
 */
class SshEngineThroughHoopIT {
  private static final Duration T = Duration.ofSeconds(30);
  private static final AtomicInteger TASKS = new AtomicInteger();

  static OpenSshServer sshd;
  static BrokerFixture broker;
  static Path work;
  static Path userKey;
  static String userKeyLine;
  static String alice;
  static String bob;
  static String carol;

  @BeforeAll
  static void start() throws Exception {
    sshd = OpenSshServer.start();
    work = Files.createTempDirectory("hoop-ssh-it-");
    userKey = work.resolve("grant_key");
    OpenSshServer.keygen(userKey, "ed25519");
    userKeyLine = Files.readString(work.resolve("grant_key.pub")).strip();
    Path otherKey = work.resolve("other_host_key");
    OpenSshServer.keygen(otherKey, "ed25519");
    String address = "[127.0.0.1]:" + sshd.port();
    String realHostKey =
        address + " " + Files.readString(sshd.dir().resolve("host_key.pub")).strip();
    String changedHostKey =
        address + " " + Files.readString(work.resolve("other_host_key.pub")).strip();
    broker =
        BrokerFixture.start(
            """
            devIdp:
              users:
                - username: alice
                  groups: [engineering]
                - username: bob
                  groups: [ops-leads]
                - username: carol
                  groups: [finance]
            targets:
              - name: web-1
                type: ssh
                address: 127.0.0.1:%1$d
                reviewers: [ops-leads]
                ssh:
                  hostKeys: ['%2$s']
                  roles:
                    ops:
                      user: %3$s
                      privateKeyFile: %4$s
                      shell: allow
                      exec:
                        rules:
                          - match: 'rm *'
                            action: deny
                            message: no deleting on web-1
                          - match: 'touch *'
                            action: review
              - name: web-moved
                type: ssh
                address: 127.0.0.1:%1$d
                reviewers: [ops-leads]
                ssh:
                  hostKeys: ['%5$s']
                  roles:
                    ops:
                      user: %3$s
                      privateKeyFile: %4$s
            entitlements:
              - group: engineering
                targets: [web-1, web-moved]
                reviewedBy: bob
                reviewedAt: 2026-01-01T00:00:00Z
                reviewExpiresAt: 2099-01-01T00:00:00Z
            """
                .formatted(
                    sshd.port(), realHostKey, sshd.user(), sshd.clientKeyFile(), changedHostKey));
    alice = broker.login("alice");
    bob = broker.login("bob");
    carol = broker.login("carol");
  }

  @AfterAll
  static void stop() throws Exception {
    if (broker != null) {
      broker.close();
    }
    if (sshd != null) {
      sshd.close();
    }
    if (work != null) {
      OpenSshServer.deleteTree(work);
    }
  }

  private static Grant grant(String target) throws Exception {
    return Json.mapper()
        .readValue(
            broker.send(
                "POST",
                "/v1/grants",
                Json.mapper()
                    .writeValueAsString(
                        Map.of("target", target, "task", "OPS-" + TASKS.incrementAndGet())),
                "application/json",
                alice),
            Grant.class);
  }

  private static TunnelClient tunnel(Grant grant, String keyLine, List<CloseNotice> notices)
      throws Exception {
    return TunnelClient.start(
        TunnelClientConfig.of(
            "127.0.0.1",
            broker.port(),
            Tls.clientPinned(broker.fingerprint()),
            0,
            () -> broker.handshake(grant.token(), alice).withSshPublicKey(keyLine),
            new TunnelClient.Listener() {
              @Override
              public void closed(CloseNotice notice, long up, long down) {
                if (notice != null) {
                  notices.add(notice);
                }
              }
            }));
  }

  /** An OpenSSH client for the tunnel, trusting the broker's host key of {@code target} only. */
  private static OpenSshClient client(TunnelClient tunnel, String target) throws Exception {
    JsonNode connection = get(broker, alice, "/v1/targets/" + target + "/connection");
    assertThat(connection.path("engine").asText()).isEqualTo("ssh");
    assertThat(connection.path("sshUser").asText()).isEqualTo(sshd.user());
    int port = tunnel.localAddress().getPort();
    Path knownHosts = work.resolve("known_hosts-" + target + "-" + port);
    Files.writeString(
        knownHosts, "[127.0.0.1]:" + port + " " + connection.path("sshHostKey").asText() + "\n");
    return new OpenSshClient(port, userKey, knownHosts, sshd.user());
  }

  private static List<JsonNode> statementsOf(String grantId) throws Exception {
    JsonNode list = get(broker, alice, "/v1/sessions?limit=100");
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode s : list.path("sessions")) {
      if (grantId.equals(s.path("grantId").asText())) {
        JsonNode detail = get(broker, alice, "/v1/sessions/" + s.path("id").asText());
        detail.path("statements").forEach(out::add);
      }
    }
    return out;
  }

  @Test
  void execRunsOnTheTargetAndIsRecordedWithItsExitStatus() throws Exception {
    Grant g = grant("web-1");
    List<CloseNotice> notices = new CopyOnWriteArrayList<>();
    try (TunnelClient tunnel = tunnel(g, userKeyLine, notices)) {
      OpenSshClient ssh = client(tunnel, "web-1");
      Result r = OpenSshClient.run(ssh.ssh(List.of(), "echo out-42; exit 3"), T);
      assertThat(r.exitCode()).as(r.stderr()).isEqualTo(3);
      assertThat(r.stdout()).isEqualTo("out-42\n");
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(statementsOf(g.id()))
                    .anySatisfy(
                        s -> {
                          assertThat(s.path("sql").asText()).isEqualTo("exec: echo out-42; exit 3");
                          assertThat(s.path("commandTag").asText()).startsWith("exit 3 ");
                          assertThat(s.path("rows").asLong()).isEqualTo(7);
                        }));
  }

  @Test
  void aDeniedCommandIsRefusedRecordedAndAudited() throws Exception {
    Grant g = grant("web-1");
    Path victim = Files.createFile(sshd.dir().resolve("victim-" + g.id()));
    try (TunnelClient tunnel = tunnel(g, userKeyLine, new CopyOnWriteArrayList<>())) {
      OpenSshClient ssh = client(tunnel, "web-1");
      for (String command :
          List.of("rm " + victim, "true && rm " + victim, "sh -c 'rm " + victim + "'")) {
        Result r = OpenSshClient.run(ssh.ssh(List.of(), command), T);
        assertThat(r.exitCode()).as("%s: %s", command, r.stderr()).isNotZero();
        assertThat(r.stderr()).as(command).containsAnyOf("denied", "refused");
      }
    }
    assertThat(victim).exists();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              assertThat(statementsOf(g.id()))
                  .as(get(broker, alice, "/v1/sessions?limit=100").toString())
                  .filteredOn(s -> s.path("blocked").asBoolean())
                  .hasSizeGreaterThanOrEqualTo(3)
                  .allSatisfy(s -> assertThat(s.path("sql").asText()).startsWith("exec: "));
              List<AuditEvent> denied =
                  events(broker, g.id()).stream()
                      .filter(e -> "ssh.denied".equals(e.type()))
                      .toList();
              assertThat(denied).hasSizeGreaterThanOrEqualTo(3);
              assertThat(denied.get(0).principal()).isEqualTo("alice");
            });
  }

  @Test
  void aChangedTargetHostKeyIsRefused() throws Exception {
    Grant g = grant("web-moved");
    try (TunnelClient tunnel = tunnel(g, userKeyLine, new CopyOnWriteArrayList<>())) {
      OpenSshClient ssh = client(tunnel, "web-moved");
      Result r = OpenSshClient.run(ssh.ssh(List.of(), "echo must-not-run"), T);
      assertThat(r.exitCode()).isNotZero();
      assertThat(r.stdout()).doesNotContain("must-not-run");
      assertThat(r.stderr().toLowerCase(java.util.Locale.ROOT)).contains("host key");
    }
  }

  @Test
  void aHandshakeWithoutOrWithAMalformedKeyIsRefused() throws Exception {
    Grant g = grant("web-1");
    for (String bad : new String[] {null, "ssh-ed25519 not-base64!", "ssh-ed25519 AAAA\nx"}) {
      List<CloseNotice> notices = new CopyOnWriteArrayList<>();
      try (TunnelClient tunnel = tunnel(g, bad, notices)) {
        OpenSshClient ssh = client(tunnel, "web-1");
        Result r = OpenSshClient.run(ssh.ssh(List.of(), "echo must-not-run"), T);
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.stdout()).doesNotContain("must-not-run");
      }
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () ->
                  assertThat(events(broker, g.id()))
                      .extracting(AuditEvent::details)
                      .anySatisfy(
                          d ->
                              assertThat(String.valueOf(d))
                                  .contains(
                                      bad == null ? "ssh_key_missing" : "ssh_key_malformed")));
    }
  }

  /** The session's recording endpoint returns a valid asciicast whose output shows {@code text}. */
  private static void assertRecordingShows(String grantId, String text) throws Exception {
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              String session = null;
              for (JsonNode s : get(broker, alice, "/v1/sessions?limit=100").path("sessions")) {
                if (grantId.equals(s.path("grantId").asText())) {
                  session = s.path("id").asText();
                }
              }
              assertThat(session).isNotNull();
              String body =
                  broker.send("GET", "/v1/sessions/" + session + "/recording", null, null, alice);
              CastRecording cast = CastReader.read(new StringReader(body));
              // someone who may not see the session gets the same answer as for no session
              JsonNode outsider = get(broker, carol, "/v1/sessions/" + session + "/recording");
              assertThat(outsider.path("error").path("code").asText()).isEqualTo("no_recording");
              JsonNode none = get(broker, alice, "/v1/sessions/s-nope/recording");
              assertThat(none.path("error").path("code").asText()).isEqualTo("no_recording");
              assertThat(cast.events())
                  .filteredOn(e -> e.type().equals("o"))
                  .extracting(CastEvent::data)
                  .anySatisfy(d -> assertThat(d).contains(text));
            });
  }

  @Test
  void aShortGrantWarnsOnStderrThenEndsTheCommandAtExpiryWithTheMessage() throws Exception {
    Grant g =
        Json.mapper()
            .readValue(
                broker.send(
                    "POST",
                    "/v1/grants",
                    Json.mapper()
                        .writeValueAsString(
                            Map.of(
                                "target",
                                "web-1",
                                "task",
                                "OPS-" + TASKS.incrementAndGet(),
                                "durationSeconds",
                                4)),
                    "application/json",
                    alice),
                Grant.class);
    try (TunnelClient tunnel = tunnel(g, userKeyLine, new CopyOnWriteArrayList<>())) {
      OpenSshClient ssh = client(tunnel, "web-1");
      Result r = OpenSshClient.run(ssh.ssh(List.of(), "sleep 30"), T);
      java.time.Instant ended = java.time.Instant.now();
      assertThat(r.exitCode()).isNotZero();
      assertThat(r.stderr())
          .contains("expires at")
          .contains(g.id() + " for task " + g.task() + " expired");
      assertThat(Duration.between(g.expiresAt(), ended)).isLessThanOrEqualTo(Duration.ofSeconds(1));
    }
  }

  @Test
  void revokeClosesALiveShellWithinASecond() throws Exception {
    Grant g = grant("web-1");
    List<CloseNotice> notices = new CopyOnWriteArrayList<>();
    try (TunnelClient tunnel = tunnel(g, userKeyLine, notices)) {
      OpenSshClient ssh = client(tunnel, "web-1");
      List<String> command = new ArrayList<>(ssh.ssh(List.of("-tt")));
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      ByteArrayOutputStream seen = new ByteArrayOutputStream();
      Thread reader =
          new Thread(
              () -> {
                try (InputStream in = p.getInputStream()) {
                  in.transferTo(seen);
                } catch (java.io.IOException e) {
                  // the process ended
                }
              });
      reader.start();
      try {
        p.getOutputStream().write("echo shell-$((40+2))\n".getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().flush();
        await().atMost(T).until(() -> seen.toString(StandardCharsets.UTF_8).contains("shell-42"));
        JsonNode revoked =
            post(broker, bob, "/v1/grants/" + g.id() + "/revoke", Map.of("reason", "incident"));
        assertThat(revoked.path("status").asText())
            .as(revoked.toString())
            .isEqualToIgnoringCase("revoked");
        long start = System.nanoTime();
        assertThat(p.waitFor(5, TimeUnit.SECONDS)).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - start))
            .isLessThanOrEqualTo(Duration.ofSeconds(1));
        reader.join(5_000);
        String text = seen.toString(StandardCharsets.UTF_8);
        String fromNotices = notices.stream().map(CloseNotice::message).toList().toString();
        assertThat(text).as(fromNotices).contains(g.id());
        assertRecordingShows(g.id(), "shell-42");
      } finally {
        p.destroyForcibly();
      }
    }
  }

  /**
   * An exec command a review rule matches waits on the broker's holds: nothing reaches the target
   * until a reviewer decides; approved it runs once, denied it exits 126 with the reason. Both are
   * steps of the session (the refusal blocked and audited as {@code ssh.denied}).
   */
  @Test
  void aHeldCommandRunsOnlyOnceAReviewerApprovesIt() throws Exception {
    Grant g = grant("web-1");
    Path approvedMarker = sshd.dir().resolve("approved-" + g.id());
    Path deniedMarker = sshd.dir().resolve("denied-" + g.id());
    try (TunnelClient tunnel = tunnel(g, userKeyLine, new CopyOnWriteArrayList<>())) {
      OpenSshClient ssh = client(tunnel, "web-1");
      for (boolean approve : new boolean[] {true, false}) {
        Path marker = approve ? approvedMarker : deniedMarker;
        Path out = work.resolve("held-out-" + approve + "-" + g.id());
        Path err = work.resolve("held-err-" + approve + "-" + g.id());
        Process p =
            new ProcessBuilder(ssh.ssh(List.of(), "touch " + marker + " && echo ran-once"))
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        try {
          String[] held = new String[1];
          await()
              .atMost(T)
              .untilAsserted(
                  () -> {
                    JsonNode pending = get(broker, bob, "/v1/holds?scope=pending");
                    List<String> ids = new ArrayList<>();
                    for (JsonNode h : pending.path("holds")) {
                      if (h.path("operation").asText().contains(marker.toString())) {
                        ids.add(h.path("id").asText());
                      }
                    }
                    assertThat(ids).as(pending.toString()).hasSize(1);
                    held[0] = ids.get(0);
                  });
          await().atMost(T).until(() -> Files.readString(err).contains(held[0]));
          assertThat(p.isAlive()).isTrue();
          assertThat(marker).doesNotExist();
          JsonNode decided =
              approve
                  ? post(broker, bob, "/v1/holds/" + held[0] + "/approve", Map.of())
                  : post(
                      broker,
                      bob,
                      "/v1/holds/" + held[0] + "/deny",
                      Map.of("reason", "not during the freeze"));
          assertThat(decided.path("error").isMissingNode()).as(decided.toString()).isTrue();
          assertThat(p.waitFor(T.toSeconds(), TimeUnit.SECONDS)).isTrue();
          String stderr = Files.readString(err);
          if (approve) {
            assertThat(p.exitValue()).as(stderr).isZero();
            assertThat(Files.readString(out)).isEqualTo("ran-once\n");
            assertThat(marker).exists();
          } else {
            assertThat(p.exitValue()).as(stderr).isEqualTo(126);
            assertThat(stderr).contains(held[0]).contains("not during the freeze");
            assertThat(Files.readString(out)).isEmpty();
            assertThat(marker).doesNotExist();
          }
        } finally {
          p.destroyForcibly();
          Files.deleteIfExists(out);
          Files.deleteIfExists(err);
        }
      }
    } finally {
      Files.deleteIfExists(approvedMarker);
      Files.deleteIfExists(deniedMarker);
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              List<JsonNode> steps = statementsOf(g.id());
              assertThat(steps)
                  .extracting(s -> s.path("commandTag").asText())
                  .anySatisfy(t -> assertThat(t).startsWith("HELD h-"))
                  .anySatisfy(t -> assertThat(t).startsWith("APPROVED h-").endsWith(" by bob"))
                  .anySatisfy(t -> assertThat(t).isEqualTo("REFUSED"));
              assertThat(steps)
                  .filteredOn(s -> s.path("blocked").asBoolean())
                  .singleElement()
                  .satisfies(
                      s -> {
                        assertThat(s.path("sql").asText()).startsWith("exec: touch ");
                        assertThat(s.path("blockedBy").asText()).contains("not during the freeze");
                      });
              assertThat(events(broker, g.id()))
                  .filteredOn(e -> "ssh.denied".equals(e.type()))
                  .singleElement()
                  .satisfies(e -> assertThat(e.details()).containsEntry("kind", "exec"));
            });
  }
}
