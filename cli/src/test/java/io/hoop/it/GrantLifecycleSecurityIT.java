package io.hoop.it;

import static io.hoop.it.BrokerJson.events;
import static io.hoop.it.BrokerJson.get;
import static io.hoop.it.BrokerJson.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.hoop.api.AuditEvent;
import io.hoop.api.Json;
import io.hoop.it.HoopCli.Run;
import io.hoop.testkit.BrokerFixture;
import io.hoop.tunnel.client.TunnelClient;
import io.hoop.tunnel.protocol.CloseNotice;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A grant lives as long as its use: {@code hoop connect} binds its local end before it asks for a
 * grant, releases the grant when the command exits, on Ctrl-C and on SIGTERM (a real CLI JVM gets
 * the signals), withdraws a request the user stops waiting for, keeps it with {@code --keep}, and
 * reuses a live grant of the caller's for the same use. Only the requester releases a grant; every
 * other attempt is refused and audited, and a release closes the grant's live tunnels.
 */
class GrantLifecycleSecurityIT {
  static EchoServer echo;
  static BrokerFixture broker;
  static String alice;
  static String bob;
  static String mallory;
  @TempDir static Path home;

  @BeforeAll
  static void start() throws Exception {
    echo = new EchoServer();
    broker =
        BrokerFixture.start(
            """
            devIdp:
              pollInterval: 1s
              users:
                - username: alice
                  groups: [engineering]
                - username: mallory
                  groups: [engineering]
                - username: bob
                  groups: [dba]
            targets:
              - name: echo
                type: tcp
                address: 127.0.0.1:%d
                reviewers: [dba]
                maxDuration: 1h
                defaultDuration: 30m
              - name: echo-review
                type: tcp
                address: 127.0.0.1:%d
                reviewers: [dba]
                onNoEntitlement: review
                pendingTimeout: 1h
            entitlements:
              - group: engineering
                targets: [echo]
                maxDuration: 1h
                reviewedBy: bob
                reviewedAt: 2026-01-01T00:00:00Z
                reviewExpiresAt: 2099-01-01T00:00:00Z
            """
                .formatted(echo.port(), echo.port()));
    alice = broker.login("alice");
    bob = broker.login("bob");
    mallory = broker.login("mallory");
    cliLogin("alice");
    cliLogin("mallory");
  }

  @AfterAll
  static void stop() throws Exception {
    if (broker != null) {
      broker.close();
    }
    if (echo != null) {
      echo.close();
    }
  }

  private static Map<String, String> env(String user) {
    return HoopCli.env(home.resolve(user));
  }

  private static void cliLogin(String user) {
    Run r =
        HoopCli.run(
            env(user),
            new CodeApprover(broker, user, true),
            "login",
            "--broker",
            broker.url(),
            "--fingerprint",
            broker.fingerprint());
    assertThat(r.code()).as("login %s: %s", user, r.err()).isZero();
  }

  /** The grant of {@code hoop connect -o json}'s ready line. */
  private static JsonNode ready(Run r) throws Exception {
    assertThat(r.out()).as("stdout; stderr: %s", r.err()).isNotBlank();
    return Json.mapper().readTree(r.out().lines().findFirst().orElseThrow());
  }

  private static String status(String session, String id) throws Exception {
    return get(broker, session, "/v1/grants/" + id).path("status").asText();
  }

  private static List<AuditEvent> ofType(String grantId, String type) {
    return events(broker, grantId).stream().filter(e -> type.equals(e.type())).toList();
  }

  private static int grantCount(String session) throws Exception {
    return get(broker, session, "/v1/grants?scope=mine").path("grants").size();
  }

  @Test
  void theWrappedCommandsExitReleasesTheGrantWithItsExitCode() throws Exception {
    Run r =
        HoopCli.run(
            env("alice"),
            null,
            "connect",
            "echo",
            "--task",
            "OPS-1",
            "-o",
            "json",
            "--",
            "sh",
            "-c",
            "exit 3");
    assertThat(r.code()).as(r.err()).isEqualTo(3);
    String id = ready(r).path("grant").path("id").asText();
    assertThat(status(alice, id)).isEqualTo("RELEASED");
    assertThat(r.err()).contains("grant " + id + " released");
    List<AuditEvent> released = ofType(id, "grant.released");
    assertThat(released).hasSize(1);
    assertThat(released.get(0).principal()).isEqualTo("alice");
    assertThat(released.get(0).details())
        .containsEntry("by", "alice")
        .containsEntry("previousStatus", "APPROVED")
        .containsEntry("reason", "the command exited (3)");
  }

  @Test
  void keepKeepsTheGrantAndALaterConnectReusesItWithoutReleasingIt() throws Exception {
    Run kept =
        HoopCli.run(
            env("alice"),
            null,
            "connect",
            "echo",
            "--task",
            "OPS-3",
            "--keep",
            "-o",
            "json",
            "--",
            "true");
    assertThat(kept.code()).as(kept.err()).isZero();
    String id = ready(kept).path("grant").path("id").asText();
    assertThat(ready(kept).path("reused").asBoolean()).isFalse();
    assertThat(status(alice, id)).isEqualTo("APPROVED");
    assertThat(kept.err()).contains("kept until");
    assertThat(ofType(id, "grant.released")).isEmpty();

    int before = grantCount(alice);
    Run again =
        HoopCli.run(
            env("alice"), null, "connect", "echo", "--task", "OPS-3", "-o", "json", "--", "true");
    assertThat(again.code()).as(again.err()).isZero();
    assertThat(ready(again).path("grant").path("id").asText()).isEqualTo(id);
    assertThat(ready(again).path("reused").asBoolean()).isTrue();
    assertThat(again.err()).contains("Reusing your live grant " + id);
    assertThat(grantCount(alice)).as("no new grant").isEqualTo(before);
    assertThat(ofType(id, "grant.reused")).hasSize(1);
    // Reused, so not this run's to end: it stays approved.
    assertThat(status(alice, id)).isEqualTo("APPROVED");

    // Another task, another role, --new, or another person: never the same grant.
    for (List<String> args :
        List.of(
            List.of("--task", "OPS-4"),
            List.of("--task", "OPS-3", "--role", "other"),
            List.of("--task", "OPS-3", "--new"))) {
      List<String> cmd = new ArrayList<>(List.of("connect", "echo"));
      cmd.addAll(args);
      cmd.addAll(List.of("-o", "json", "--", "true"));
      Run other = HoopCli.run(env("alice"), null, cmd.toArray(String[]::new));
      assertThat(other.code()).as("%s: %s", args, other.err()).isZero();
      assertThat(ready(other).path("grant").path("id").asText()).as("%s", args).isNotEqualTo(id);
      assertThat(ready(other).path("reused").asBoolean()).isFalse();
    }
    Run theirs =
        HoopCli.run(
            env("mallory"), null, "connect", "echo", "--task", "OPS-3", "-o", "json", "--", "true");
    assertThat(theirs.code()).as(theirs.err()).isZero();
    assertThat(ready(theirs).path("grant").path("id").asText()).isNotEqualTo(id);
    assertThat(ready(theirs).path("grant").path("principal").asText()).isEqualTo("mallory");
    assertThat(status(alice, id)).isEqualTo("APPROVED");
  }

  @Test
  void aGrantWithLittleTimeLeftIsNotReused() throws Exception {
    // Under 5 minutes left: not useful, whatever was asked.
    JsonNode shortGrant =
        post(
            broker,
            alice,
            "/v1/grants",
            Map.of("target", "echo", "task", "OPS-6", "durationSeconds", 240));
    assertThat(shortGrant.path("status").asText()).isEqualTo("APPROVED");
    Run r =
        HoopCli.run(
            env("alice"), null, "connect", "echo", "--task", "OPS-6", "-o", "json", "--", "true");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(ready(r).path("grant").path("id").asText())
        .isNotEqualTo(shortGrant.path("id").asText());
    assertThat(ready(r).path("reused").asBoolean()).isFalse();
  }

  @Test
  void aPortThatCannotBeBoundCostsNoGrant() throws Exception {
    int before = grantCount(alice);
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Run r =
          HoopCli.run(
              env("alice"),
              null,
              "connect",
              "echo",
              "--task",
              "OPS-2",
              "--port",
              Integer.toString(taken.getLocalPort()),
              "--",
              "true");
      assertThat(r.code()).as(r.err()).isEqualTo(2);
      assertThat(r.err()).contains("cannot listen on 127.0.0.1:" + taken.getLocalPort());
    }
    // A socket path too long to bind fails the same way, before any grant.
    Path deep = Files.createDirectories(home.resolve("d".repeat(120)));
    Files.setPosixFilePermissions(
        deep, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    Run sock =
        HoopCli.run(
            env("alice"),
            null,
            "connect",
            "echo",
            "--task",
            "OPS-2",
            "--unix-socket",
            "--socket-dir",
            deep.toString(),
            "--",
            "true");
    assertThat(sock.code()).as(sock.err()).isEqualTo(2);
    assertThat(grantCount(alice)).isEqualTo(before);
    assertThat(
            events(broker, null).stream()
                .filter(e -> "OPS-2".equals(e.task()))
                .filter(e -> e.type().startsWith("grant."))
                .toList())
        .isEmpty();
  }

  @Test
  void onlyTheRequesterReleasesAndEveryOtherAttemptIsRefusedAndAudited() throws Exception {
    String id = BrokerJson.request(broker, alice, "echo", "OPS-7").path("id").asText();
    // A reviewer of the target (who may revoke) and a peer in the same group: both refused.
    for (String[] who : new String[][] {{"bob", bob}, {"mallory", mallory}}) {
      JsonNode r = post(broker, who[1], "/v1/grants/" + id + "/release", Map.of());
      BrokerJson.assertError(r, "not_your_grant", "only its requester releases it");
      List<AuditEvent> refused =
          events(broker, null).stream()
              .filter(e -> e.type().equals("request.refused"))
              .filter(e -> who[0].equals(e.principal()))
              .filter(e -> ("/v1/grants/" + id + "/release").equals(e.details().get("path")))
              .toList();
      assertThat(refused).as(who[0]).hasSize(1);
      assertThat(refused.get(0).details())
          .containsEntry("code", "not_your_grant")
          .containsEntry("status", 403);
    }
    String raw =
        broker.send("POST", "/v1/grants/" + id + "/release", "{}", "application/json", mallory);
    assertThat(raw).contains("not_your_grant");
    // Unknown ids, the id in another case or percent-encoded, and ids far longer than any grant's:
    // refused, audited with the caller, and never an error of the audit store.
    List<String> probes =
        List.of(
            "g-nosuchgrant1",
            id.toUpperCase(java.util.Locale.ROOT),
            "%67" + id.substring(1),
            id + "%00",
            "g-" + "x".repeat(500));
    for (String probe : probes) {
      JsonNode r = post(broker, mallory, "/v1/grants/" + probe + "/release", Map.of());
      assertThat(r.path("error").path("code").asText())
          .as("%s: %s", probe, r)
          .isIn("unknown_grant", "not_your_grant");
    }
    // Each refusal is audited as mallory's (RefusalAudit bounds a flood to 5 records per remote
    // and code a minute, then sums the rest up).
    assertThat(
            events(broker, null).stream()
                .filter(e -> e.type().equals("request.refused"))
                .filter(e -> "mallory".equals(e.principal()))
                .map(e -> e.details().get("code"))
                .distinct())
        .contains("unknown_grant", "not_your_grant");
    // Without a login: refused before anything is looked up.
    String anonymous =
        broker.send("POST", "/v1/grants/" + id + "/release", "{}", "application/json", null);
    assertThat(anonymous).contains("unauthenticated");
    assertThat(status(alice, id)).isEqualTo("APPROVED");
    assertThat(ofType(id, "grant.released")).isEmpty();
  }

  /**
   * A release reason reaches reviewers' terminals ({@code hoop grants}, {@code hoop audit}) like
   * every other reason, so it may carry no terminal escapes either.
   */
  @Test
  void aReleaseReasonWithControlCharactersIsRefusedLikeEveryOtherReason() throws Exception {
    String id = BrokerJson.request(broker, alice, "echo", "OPS-12").path("id").asText();
    for (String reason : List.of("done\u001b[2J\u001b]0;owned\u0007", "line\nforged: approved")) {
      JsonNode r = post(broker, alice, "/v1/grants/" + id + "/release", Map.of("reason", reason));
      BrokerJson.assertError(r, "bad_request", "control characters");
    }
    assertThat(status(alice, id)).isEqualTo("APPROVED");
    assertThat(ofType(id, "grant.released")).isEmpty();
  }

  @Test
  void releaseClosesTheGrantsLiveTunnelsAndIsIdempotent() throws Exception {
    JsonNode g = BrokerJson.request(broker, alice, "echo", "OPS-8");
    String id = g.path("id").asText();
    List<CloseNotice> notices = new CopyOnWriteArrayList<>();
    try (TunnelClient client = Tunnels.open(broker, g.path("token").asText(), alice, notices)) {
      Socket s = Tunnels.connectAndPing(client);
      JsonNode released =
          post(broker, alice, "/v1/grants/" + id + "/release", Map.of("reason", "done"));
      assertThat(released.path("status").asText()).as(released.toString()).isEqualTo("RELEASED");
      Tunnels.drainUntilClosed(s);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> notices.stream().anyMatch(n -> n.code().equals("grant_released")));
      // The token still verifies, the grant does not: a new connection is refused.
      Socket late = new Socket(client.localAddress().getAddress(), client.localAddress().getPort());
      Tunnels.drainUntilClosed(late);
    }
    List<AuditEvent> rel = ofType(id, "grant.released");
    assertThat(rel).hasSize(1);
    assertThat(rel.get(0).details())
        .containsEntry("tunnelsClosed", 1)
        .containsEntry("reason", "done");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                events(broker, null).stream()
                    .anyMatch(
                        e ->
                            e.type().equals("tunnel.rejected")
                                && String.valueOf(e.details()).contains("grant_released")));
    JsonNode again = post(broker, alice, "/v1/grants/" + id + "/release", Map.of());
    assertThat(again.path("status").asText()).isEqualTo("RELEASED");
    assertThat(ofType(id, "grant.released")).as("released once").hasSize(1);
  }

  @Test
  void ctrlCInARealCliReleasesTheGrant() throws Exception {
    try (CliProcess cli = CliProcess.start(env("alice"), "connect", "echo", "--task", "OPS-9")) {
      cli.awaitErr("Tunnel open");
      String id = cli.grantId();
      cli.signal("INT");
      assertThat(cli.waitFor()).as(cli.err()).isZero();
      assertThat(status(alice, id)).isEqualTo("RELEASED");
      assertThat(ofType(id, "grant.released").get(0).details())
          .containsEntry("reason", "the user closed the tunnel (Ctrl-C)");
    }
  }

  @Test
  void sigtermInARealCliReleasesTheGrant() throws Exception {
    try (CliProcess cli = CliProcess.start(env("alice"), "connect", "echo", "--task", "OPS-10")) {
      cli.awaitErr("Tunnel open");
      String id = cli.grantId();
      cli.signal("TERM");
      assertThat(cli.waitFor()).as(cli.err()).isEqualTo(143);
      assertThat(status(alice, id)).isEqualTo("RELEASED");
      assertThat(ofType(id, "grant.released").get(0).details())
          .containsEntry("reason", "hoop connect was terminated");
    }
  }

  @Test
  void ctrlCWhileWaitingForApprovalWithdrawsTheRequest() throws Exception {
    try (CliProcess cli =
        CliProcess.start(env("alice"), "connect", "echo-review", "--task", "OPS-11")) {
      cli.awaitErr("Waiting for approval");
      String id = cli.requestId();
      assertThat(status(alice, id)).isEqualTo("PENDING");
      cli.signal("INT");
      assertThat(cli.waitFor()).as(cli.err()).isEqualTo(4);
      assertThat(cli.err()).contains("withdrawn");
      assertThat(status(alice, id)).isEqualTo("RELEASED");
      assertThat(ofType(id, "grant.released").get(0).details())
          .containsEntry("previousStatus", "PENDING");
      // Nothing left for a reviewer to approve.
      JsonNode late = post(broker, bob, "/v1/grants/" + id + "/approve", Map.of());
      assertThat(late.path("error").path("code").asText()).isNotEmpty();
    }
  }
}
