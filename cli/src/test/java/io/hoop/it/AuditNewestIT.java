package io.hoop.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hoop.api.AuditEvent;
import io.hoop.api.Json;
import io.hoop.it.HoopCli.Run;
import io.hoop.testkit.BrokerFixture;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hoop audit} shows the newest records (it showed the oldest), in chronological order like
 * {@code tail}, within {@code --since}/{@code --until}, and {@code --follow} prints records as they
 * are written until Ctrl-C, one JSON object per line with {@code -o json}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AuditNewestIT {
  static BrokerFixture broker;
  static String alice;
  static Instant windowStart;
  static Instant windowEnd;
  @TempDir static Path home;

  @BeforeAll
  static void start() throws Exception {
    broker =
        BrokerFixture.start(
            """
            devIdp:
              pollInterval: 1s
              users:
                - {username: alice, groups: [engineering]}
                - {username: bob, groups: [engineering]}
            targets:
              - name: echo
                type: tcp
                address: 127.0.0.1:9
            entitlements:
              - group: engineering
                targets: [echo]
                maxDuration: 1h
            """);
    alice = broker.login("alice");
    String bob = broker.login("bob");
    Run r =
        HoopCli.run(
            env(),
            new CodeApprover(broker, "alice", true),
            "login",
            "--broker",
            broker.url(),
            "--fingerprint",
            broker.fingerprint());
    assertThat(r.code()).as("login: %s", r.err()).isZero();
    for (int i = 0; i < 60; i++) {
      BrokerJson.request(broker, alice, "echo", "OLD-" + i);
      // Someone else's records never show.
      BrokerJson.request(broker, bob, "echo", "BOB-" + i);
    }
    Thread.sleep(1100);
    windowStart = Instant.now();
    BrokerJson.request(broker, alice, "echo", "WIN-1");
    BrokerJson.request(broker, alice, "echo", "WIN-2");
    Thread.sleep(1100);
    windowEnd = Instant.now();
    Thread.sleep(1100);
    BrokerJson.request(broker, alice, "echo", "AFTER-1");
  }

  @AfterAll
  static void stop() throws Exception {
    if (broker != null) {
      broker.close();
    }
  }

  private static Map<String, String> env() {
    return HoopCli.env(home.resolve("alice"));
  }

  private static List<AuditEvent> alicesEvents() {
    return BrokerJson.events(broker, null).stream()
        .filter(e -> "alice".equals(e.principal()))
        .sorted(Comparator.comparingLong(AuditEvent::seq))
        .toList();
  }

  private static List<JsonNode> events(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("audit"));
    cmd.addAll(List.of(args));
    cmd.addAll(List.of("-o", "json"));
    Run r = HoopCli.run(env(), null, cmd.toArray(String[]::new));
    assertThat(r.code()).as(r.err()).isZero();
    List<JsonNode> out = new ArrayList<>();
    Json.mapper().readTree(r.out()).path("events").forEach(out::add);
    return out;
  }

  private static List<Long> seqs(List<JsonNode> events) {
    return events.stream().map(e -> e.path("seq").asLong()).toList();
  }

  @Test
  @Order(1)
  void theNewestRecordsComeOutOldestFirstLikeTail() throws Exception {
    List<AuditEvent> all = alicesEvents();
    List<Long> newest50 =
        all.subList(all.size() - 50, all.size()).stream().map(AuditEvent::seq).toList();
    List<JsonNode> shown = events();
    assertThat(seqs(shown)).as("the default page: the 50 newest").isEqualTo(newest50);
    assertThat(shown.get(shown.size() - 1).path("task").asText()).isEqualTo("AFTER-1");
    assertThat(shown).allMatch(e -> e.path("principal").asText().equals("alice"));

    List<Long> newest3 =
        all.subList(all.size() - 3, all.size()).stream().map(AuditEvent::seq).toList();
    assertThat(seqs(events("--limit", "3"))).isEqualTo(newest3);
    Run table = HoopCli.run(env(), null, "audit", "list", "--limit", "3");
    assertThat(table.code()).as(table.err()).isZero();
    assertThat(table.out().indexOf("WIN-2")).isLessThan(table.out().indexOf("AFTER-1"));
    assertThat(table.out()).doesNotContain("OLD-0");
  }

  @Test
  @Order(2)
  void sinceAndUntilTakeInstantsAndDurationsAgo() throws Exception {
    List<JsonNode> window =
        events("--since", windowStart.toString(), "--until", windowEnd.toString());
    assertThat(window.stream().map(e -> e.path("task").asText()).toList())
        .containsExactly("WIN-1", "WIN-2");
    // The same window written with an offset.
    List<JsonNode> offset =
        events(
            "--since",
            windowStart.atOffset(java.time.ZoneOffset.ofHours(2)).toString(),
            "--until",
            windowEnd.atOffset(java.time.ZoneOffset.ofHours(-5)).toString());
    assertThat(seqs(offset)).isEqualTo(seqs(window));
    assertThat(events("--since", "1h", "--limit", "1").get(0).path("task").asText())
        .isEqualTo("AFTER-1");
    assertThat(events("--until", "1h")).isEmpty();

    for (String[] bad :
        new String[][] {
          {"--since", "yesterday"},
          {"--until", "2026-13-01T00:00:00Z"},
          {"--since", "0s"},
          {"--since", "1h", "--until", "2h"},
          {"--follow", "--until", "1m"},
          {"--limit", "1001"}
        }) {
      List<String> cmd = new ArrayList<>(List.of("audit"));
      cmd.addAll(List.of(bad));
      Run r = HoopCli.run(env(), null, cmd.toArray(String[]::new));
      assertThat(r.code()).as("%s: %s", List.of(bad), r.err()).isEqualTo(2);
    }
  }

  @Test
  @Order(3)
  void followPrintsNewRecordsAsJsonLinesUntilCtrlC() throws Exception {
    try (CliProcess cli =
        CliProcess.start(env(), "audit", "--follow", "--limit", "2", "-o", "json")) {
      cli.awaitOutLines(2);
      BrokerJson.request(broker, alice, "echo", "FOLLOW-1");
      cli.awaitOutLines(3);
      List<String> lines = cli.out().lines().toList();
      for (String line : lines) {
        assertThat(Json.mapper().readTree(line).path("seq").asLong()).as(line).isPositive();
      }
      assertThat(Json.mapper().readTree(lines.get(2)).path("task").asText()).isEqualTo("FOLLOW-1");
      cli.signal("INT");
      assertThat(cli.waitFor()).as(cli.err()).isZero();
    }
  }
}
