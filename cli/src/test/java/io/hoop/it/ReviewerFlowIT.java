package io.hoop.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.hoop.api.Json;
import io.hoop.cli.connect.RevocationWatch;
import io.hoop.it.HoopCli.Run;
import io.hoop.testkit.BrokerFixture;
import io.hoop.testkit.PostgresCluster;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Requester and reviewer through the real broker: alice's {@code hoop connect} waits for bob's
 * {@code hoop approve}, then psql runs through the tunnel; {@code --no-wait} and {@code --request}
 * resume; a denial exits 3 and a revocation of a live tunnel exits 5, each with who and why.
 */
class ReviewerFlowIT {
  private static final Pattern REQUEST_ID = Pattern.compile("Request (\\S+) for db ");
  private static final Pattern LOCAL_PORT = Pattern.compile("Connect to 127\\.0\\.0\\.1:(\\d+)");

  static PostgresCluster pg;
  static BrokerFixture broker;
  @TempDir static Path home;

  @BeforeAll
  static void start() throws Exception {
    pg = PostgresCluster.start();
    broker =
        BrokerFixture.start(
            """
            devIdp:
              pollInterval: 1s
            targets:
              - name: db
                type: postgres
                address: 127.0.0.1:%d
                reviewers: [reviewers]
                approvals: 1
                onNoEntitlement: review
            """
                .formatted(pg.port()));
    login("alice");
    login("bob");
  }

  @AfterAll
  static void stop() throws Exception {
    if (broker != null) {
      broker.close();
    }
    if (pg != null) {
      pg.close();
    }
  }

  /** A hoop command running in its own thread, with stderr readable while it runs. */
  private record Running(CompletableFuture<Run> result, ByteArrayOutputStream err) {
    String errSoFar() {
      return err.toString(StandardCharsets.UTF_8);
    }

    Run await() throws Exception {
      return result.get(60, TimeUnit.SECONDS);
    }
  }

  private static Run hoop(String user, OutputStream errSink, String... args) {
    return HoopCli.run(HoopCli.env(home.resolve(user)), errSink, args);
  }

  private static Run hoop(String user, String... args) {
    return hoop(user, null, args);
  }

  private static Running inBackground(String user, String... args) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    return new Running(CompletableFuture.supplyAsync(() -> hoop(user, err, args)), err);
  }

  private static void login(String user) {
    Run r =
        hoop(
            user,
            new CodeApprover(broker, user, true),
            "login",
            "--broker",
            broker.url(),
            "--fingerprint",
            broker.fingerprint());
    assertThat(r.code()).as("login %s: %s", user, r.err()).isZero();
  }

  /** The request id alice's connect announces once the broker put it to reviewers. */
  private static String pendingId(Running connect) {
    String[] id = new String[1];
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> {
              Matcher m = REQUEST_ID.matcher(connect.errSoFar());
              if (m.find()) {
                id[0] = m.group(1);
                return true;
              }
              assertThat(connect.result().isDone())
                  .as("connect ended early: %s", connect.errSoFar())
                  .isFalse();
              return false;
            });
    return id[0];
  }

  private static List<String> psql(Path output) {
    List<String> cmd = new ArrayList<>();
    cmd.add(pg.psqlArgs().get(0));
    cmd.addAll(List.of("-X", "-U", "postgres", "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-At"));
    cmd.addAll(List.of("-o", output.toString(), "-c", "select 40 + 2"));
    return cmd;
  }

  private static String[] connect(List<String> head, List<String> command) {
    List<String> all = new ArrayList<>(head);
    if (!command.isEmpty()) {
      all.add("--");
      all.addAll(command);
    }
    return all.toArray(String[]::new);
  }

  @Test
  void aWaitingConnectRunsItsCommandOnceAReviewerApproves() throws Exception {
    Path result = home.resolve("approved.txt");
    Running alice =
        inBackground("alice", connect(List.of("connect", "db", "--task", "T-1"), psql(result)));
    String id = pendingId(alice);
    assertThat(alice.errSoFar())
        .contains("is pending approval")
        .contains("needs 1 more approval (0/1) from a member of: reviewers")
        .contains("hoop approve " + id);

    Run pending = hoop("bob", "requests", "--pending");
    assertThat(pending.code()).as(pending.err()).isZero();
    assertThat(pending.out())
        .containsPattern(Pattern.quote(id) + "\\s+db\\s+alice\\s+T-1\\s+pending\\s+0/1");
    assertThat(hoop("alice", "approve", id).code()).as("self-approval").isEqualTo(3);

    Run approve = hoop("bob", "approve", id, "--comment", "go ahead");
    assertThat(approve.code()).as(approve.err()).isZero();
    assertThat(approve.out()).startsWith("approved (1/1): " + id + " for db is now active until");

    Run done = alice.await();
    assertThat(done.code()).as(done.err()).isZero();
    assertThat(done.err())
        .containsPattern("approved by bob \\(1(/1)?\\): go ahead")
        .contains("Grant " + id);
    assertThat(Files.readString(result)).isEqualTo("42\n");

    JsonNode mine = Json.mapper().readTree(hoop("alice", "requests", "-o", "json").out());
    assertThat(mine.findValuesAsText("id")).contains(id);
  }

  @Test
  void noWaitExits4AndRequestResumesOnceApproved() throws Exception {
    Run asked = hoop("alice", "connect", "db", "--task", "T-2", "--no-wait");
    assertThat(asked.code()).as(asked.err()).isEqualTo(4);
    String id = asked.out().strip();
    assertThat(asked.err()).contains("hoop connect --request " + id);

    Run stillPending = hoop("alice", "connect", "--request", id, "--no-wait");
    assertThat(stillPending.code()).isEqualTo(4);

    assertThat(hoop("bob", "approve", id).code()).isZero();
    Path result = home.resolve("resumed.txt");
    Run resumed = hoop("alice", connect(List.of("connect", "--request", id), psql(result)));
    assertThat(resumed.code()).as(resumed.err()).isZero();
    assertThat(Files.readString(result)).isEqualTo("42\n");
  }

  @Test
  void aDenialEndsTheWaitWithExit3AndTheReviewersReason() throws Exception {
    Running alice = inBackground("alice", "connect", "db", "--task", "T-3", "--", "true");
    String id = pendingId(alice);
    Run deny = hoop("bob", "deny", id, "--reason", "not during the freeze");
    assertThat(deny.code()).as(deny.err()).isZero();
    assertThat(deny.out()).contains("denied: " + id + " for db");

    Run done = alice.await();
    assertThat(done.code()).isEqualTo(3);
    assertThat(done.err()).contains("denied by bob: not during the freeze");
  }

  @Test
  void revokingALiveGrantClosesTheTunnelAndExits5WithWhoAndWhy() throws Exception {
    Run asked = hoop("alice", "connect", "db", "--task", "T-4", "--no-wait");
    String id = asked.out().strip();
    assertThat(hoop("bob", "approve", id).code()).isZero();

    Running alice = inBackground("alice", "connect", "--request", id);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> LOCAL_PORT.matcher(alice.errSoFar()).find() || alice.result().isDone());
    Matcher port = LOCAL_PORT.matcher(alice.errSoFar());
    assertThat(port.find()).as(alice.errSoFar()).isTrue();
    // A live connection through the tunnel is what the broker's revocation notice travels on.
    try (Socket client =
        new Socket(InetAddress.getLoopbackAddress(), Integer.parseInt(port.group(1)))) {
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  broker.server().audit().list(0, 1000, "alice", "T-4").stream()
                      .anyMatch(e -> e.type().equals("tunnel.open")));
      Run revoke = hoop("bob", "revoke", id, "--reason", "incident over");
      assertThat(revoke.code()).as(revoke.err()).isZero();
      assertThat(revoke.out()).startsWith("revoked: " + id + " for db");

      Run done = alice.result().get(10, TimeUnit.SECONDS);
      assertThat(done.code()).as(done.err()).isEqualTo(5);
      assertThat(done.err()).contains("revoked by bob").contains("incident over");
      client.setSoTimeout(5000);
      assertThat(client.getInputStream().read()).as("local connection closed").isEqualTo(-1);
    }
  }

  @Test
  void revokingAnIdleTunnelEndsConnectToo() throws Exception {
    Run asked = hoop("alice", "connect", "db", "--task", "T-5", "--no-wait");
    String id = asked.out().strip();
    assertThat(hoop("bob", "approve", id).code()).isZero();

    Running alice = inBackground("alice", "connect", "--request", id);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> LOCAL_PORT.matcher(alice.errSoFar()).find() || alice.result().isDone());
    assertThat(LOCAL_PORT.matcher(alice.errSoFar()).find()).as(alice.errSoFar()).isTrue();
    // Nothing is connected: no CLOSE notice can travel, the CLI must notice by itself.
    Run revoke = hoop("bob", "revoke", id, "--reason", "wrong ticket");
    assertThat(revoke.code()).as(revoke.err()).isZero();

    Run done = alice.result().get(RevocationWatch.INTERVAL.toSeconds() + 10, TimeUnit.SECONDS);
    assertThat(done.code()).as(done.err()).isEqualTo(5);
    assertThat(done.err()).contains("revoked by bob").contains("wrong ticket");
  }
}
