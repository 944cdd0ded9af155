package io.hoop.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hoop.api.Grant;
import io.hoop.api.Json;
import io.hoop.broker.BrokerMain;
import io.hoop.it.HoopCli.Run;
import io.hoop.testkit.BrokerFixture;
import io.hoop.tunnel.client.TunnelClient;
import io.hoop.tunnel.protocol.CloseNotice;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Retention on a real broker: {@code hoop-broker retention status} and {@code purge} through the
 * admin socket, a session's recording removed and its replay refused with a clear message, audit
 * records purged only up to an auditor's export, and the exports before and after verifying as one
 * chain. The broker's clock is moved forward for the purge only, so the CLI's proofs stay valid.
 */
class RetentionBrokerIT {
  /** Real time plus a shift the test sets. */
  static final class ShiftedClock extends Clock {
    volatile Duration shift = Duration.ZERO;

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return Instant.now().plus(shift);
    }
  }

  @TempDir Path home;
  EchoServer echo;
  BrokerFixture broker;

  @AfterEach
  void stop() throws Exception {
    if (broker != null) {
      broker.close();
    }
    if (echo != null) {
      echo.close();
    }
  }

  private record Out(int code, String out, String err) {}

  private Out brokerCli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = BrokerMain.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return new Out(code, out.toString(), err.toString());
  }

  private Run hoop(String user, String... args) {
    return HoopCli.run(HoopCli.env(home.resolve(user)), null, args);
  }

  @Test
  void purgeThroughTheAdminSocketRemovesARecordingAndVerifiedAuditRecords() throws Exception {
    echo = new EchoServer();
    ShiftedClock clock = new ShiftedClock();
    broker =
        BrokerFixture.start(
            """
            devIdp:
              pollInterval: 1s
              users:
                - username: alice
                  groups: [engineering]
                - username: audrey
                  groups: [auditors]
            retention:
              recordings: 7d
              audit: 90d
            targets:
              - name: echo
                type: tcp
                address: 127.0.0.1:%d
                retention: {statements: 30d}
            entitlements:
              - group: engineering
                targets: [echo]
            """
                .formatted(echo.port()),
            clock);
    String data = broker.dataDir().toString();
    String alice = broker.login("alice");
    Grant grant =
        Json.mapper()
            .readValue(
                broker.send(
                    "POST",
                    "/v1/grants",
                    "{\"target\":\"echo\",\"task\":\"RET-1\",\"durationSeconds\":600}",
                    "application/json",
                    alice),
                Grant.class);
    List<CloseNotice> notices = new CopyOnWriteArrayList<>();
    try (TunnelClient client = Tunnels.open(broker, grant.token(), alice, notices)) {
      Socket s = Tunnels.connectAndPing(client);
      s.close();
    }
    JsonNode session =
        Awaitility.await()
            .atMost(Duration.ofSeconds(10))
            .until(
                () ->
                    Json.mapper()
                        .readTree(broker.send("GET", "/v1/sessions", null, null, alice))
                        .path("sessions")
                        .path(0),
                n -> !n.isMissingNode() && !n.path("closedAt").isNull());
    String id = session.path("id").asText();
    // What the ssh engine would have written for a terminal session.
    Path cast = broker.dataDir().resolve("recordings").resolve(id + ".cast");
    Files.createDirectories(cast.getParent());
    Files.writeString(
        cast, "{\"version\":2,\"width\":80,\"height\":24,\"timestamp\":1}\n[0.1,\"o\",\"hi\"]\n");

    Out status = brokerCli("retention", "status", "--data-dir", data);
    assertThat(status.code()).as(status.err()).isZero();
    assertThat(status.out())
        .contains("retention on the h2 store, purge every 1h")
        .contains("recordings  7d")
        .contains("statements  never")
        .contains("audit       90d")
        .contains("target echo: statements 30d");

    HoopCli.login(broker, HoopCli.env(home.resolve("audrey")), "audrey", "default");
    Run before = hoop("audrey", "audit", "export", "-o", "jsonl");
    assertThat(before.code()).as(before.err()).isZero();
    Path beforeFile = Files.writeString(home.resolve("before.jsonl"), before.out());

    clock.shift = Duration.ofDays(100);
    Out json = brokerCli("retention", "status", "-o", "json", "--data-dir", data);
    assertThat(json.code()).as(json.err()).isZero();
    JsonNode audit = null;
    for (JsonNode k : Json.mapper().readTree(json.out()).path("kinds")) {
      if (k.path("kind").asText().equals("audit")) {
        audit = k;
      }
    }
    assertThat(audit).isNotNull();
    assertThat(audit.path("oldestSeq").asLong()).isEqualTo(1);
    // The export's own record came after it: the purge waits for the next export for that one.
    assertThat(audit.path("waitingFor").asText()).contains("no export covers records after seq");

    Out dry = brokerCli("retention", "purge", "--dry-run", "--data-dir", data);
    assertThat(dry.code()).as(dry.err()).isZero();
    assertThat(dry.out()).contains("recordings: would remove 1 recording(s)");
    assertThat(cast).exists();

    Out purge = brokerCli("retention", "purge", "--data-dir", data);
    assertThat(purge.code()).as(purge.err()).isZero();
    assertThat(purge.out())
        .contains("recordings: removed 1 recording(s)")
        .contains("statements: removed 0 statement(s)")
        .containsPattern("audit: removed [1-9][0-9]* record\\(s\\) through seq [0-9]+")
        .contains("held back: records up to seq");
    assertThat(cast).doesNotExist();
    clock.shift = Duration.ZERO;

    // The session says what is gone; its replay is refused with the reason, not a crash.
    String gone = broker.send("GET", "/v1/sessions/" + id + "/recording", null, null, alice);
    assertThat(gone)
        .contains("recording_purged")
        .contains("was removed by the broker's retention policy");
    HoopCli.login(broker, HoopCli.env(home.resolve("alice")), "alice", "default");
    Run replay = hoop("alice", "sessions", "replay", id);
    assertThat(replay.code()).isEqualTo(1);
    assertThat(replay.err())
        .contains("has nothing left to replay: the broker's retention policy removed its terminal")
        .doesNotContain("Exception");
    Run show = hoop("alice", "sessions", "show", id);
    assertThat(show.code()).as(show.err()).isZero();
    assertThat(show.out()).contains("purged    by the retention policy: terminal recording");

    // The purge is in the audit, and the exports before and after verify as one chain.
    Run after = hoop("audrey", "audit", "export", "-o", "jsonl");
    assertThat(after.code()).as(after.err()).isZero();
    assertThat(after.out()).contains("{\"anchor\":").contains("\"type\":\"retention.purged\"");
    Path afterFile = Files.writeString(home.resolve("after.jsonl"), after.out());
    Run verify = hoop("audrey", "audit", "verify", beforeFile.toString(), afterFile.toString());
    assertThat(verify.code()).as(verify.err()).isZero();
    assertThat(verify.out()).contains("linked to the signed anchor of seq").contains("one chain");

    // Another purge finds nothing new; the admin socket refuses what it does not know.
    assertThat(brokerCli("retention", "purge", "-o", "json", "--data-dir", data).code()).isZero();
    Out bad = brokerCli("retention", "purge", "-o", "yaml", "--data-dir", data);
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).contains("-o: 'yaml' is not an output format");
  }
}
