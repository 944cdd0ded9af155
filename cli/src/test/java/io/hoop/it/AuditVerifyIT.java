package io.hoop.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hoop.api.Json;
import io.hoop.it.HoopCli.Run;
import io.hoop.testkit.BrokerFixture;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The auditor's tour against a real broker: events from real logins and grants, {@code hoop audit
 * export} through the CLI, {@code hoop audit verify} passes on the file and fails, naming the line,
 * on edited, deleted, reordered and forged copies.
 */
class AuditVerifyIT {
  static BrokerFixture broker;

  @TempDir Path home;

  @BeforeAll
  static void start() throws Exception {
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
            targets:
              - name: demo-db
                type: postgres
                address: 127.0.0.1:5
            entitlements:
              - group: engineering
                targets: [demo-db]
                maxDuration: 1h
            """);
  }

  @AfterAll
  static void stop() throws Exception {
    if (broker != null) {
      broker.close();
    }
  }

  private Run hoop(String profileDir, OutputStream errSink, String... args) {
    return HoopCli.run(HoopCli.env(home.resolve(profileDir)), errSink, args);
  }

  private void login(String user) {
    Run r =
        hoop(
            user,
            new CodeApprover(broker, user, true),
            "login",
            "--broker",
            broker.url(),
            "--fingerprint",
            broker.fingerprint());
    assertThat(r.code()).as("login stderr: %s", r.err()).isZero();
  }

  private Path write(String name, List<String> lines) throws Exception {
    Path p = home.resolve(name);
    Files.writeString(p, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    return p;
  }

  private static long seqOf(String line) throws Exception {
    JsonNode n = Json.mapper().readTree(line);
    return n.has("seq") ? n.get("seq").asLong() : -1;
  }

  private static int lineOfSeq(List<String> lines, long seq) throws Exception {
    for (int i = 0; i < lines.size(); i++) {
      if (seqOf(lines.get(i)) == seq) {
        return i + 1;
      }
    }
    throw new AssertionError("no record seq " + seq);
  }

  @Test
  void exportVerifiesAndEveryKindOfTamperingIsPinpointed() throws Exception {
    login("alice");
    login("audrey");
    String alice = broker.login("alice");
    for (int i = 0; i < 6; i++) {
      broker.send(
          "POST",
          "/v1/grants",
          "{\"target\":\"demo-db\",\"task\":\"AUD-" + i + "\",\"durationSeconds\":600}",
          "application/json",
          alice);
    }

    Run export = hoop("audrey", null, "audit", "export", "-o", "jsonl");
    assertThat(export.code()).as(export.err()).isZero();
    List<String> lines = new ArrayList<>(export.out().lines().toList());
    assertThat(lines.get(0)).startsWith("{\"export\":");
    assertThat(lines.get(lines.size() - 1)).startsWith("{\"checkpoint\":");
    long records = lines.stream().filter(l -> l.startsWith("{\"seq\"")).count();
    assertThat(records).isGreaterThanOrEqualTo(9);
    assertThat(export.out()).contains("\"principal\":\"alice\"").contains("AUD-5");
    Path file = write("audit.jsonl", lines);

    Run ok = hoop("audrey", null, "audit", "verify", file.toString());
    assertThat(ok.code()).as(ok.err()).isZero();
    assertThat(ok.out())
        .contains(records + " records, 1 checkpoints, chain intact, last signed checkpoint seq")
        .contains("chain checked: yes, from the start of the log (seq 1)");

    // Fully offline with the key from the public endpoint, saved to a file.
    Path key = home.resolve("audit-key.jwk");
    Files.writeString(key, broker.send("GET", "/v1/audit/public-key", null, null, null));
    Run offline =
        hoop("nobody", null, "audit", "verify", file.toString(), "--public-key", key.toString());
    assertThat(offline.code()).as(offline.err()).isZero();

    // Edited: alice's grant becomes mallory's.
    List<String> edited = new ArrayList<>(lines);
    int l3 = lineOfSeq(edited, 3);
    edited.set(l3 - 1, edited.get(l3 - 1).replace("\"alice\"", "\"mallory\""));
    assertFails(
        write("edited.jsonl", edited),
        key,
        "line " + l3 + ": record edited: hash mismatch at seq 3");

    // Deleted: seq 4 gone.
    List<String> deleted = new ArrayList<>(lines);
    int l4 = lineOfSeq(deleted, 4);
    deleted.remove(l4 - 1);
    assertFails(
        write("deleted.jsonl", deleted),
        key,
        "line " + l4 + ": record(s) deleted: seq gap between 3 and 5");

    // Reordered: seq 5 and 6 swapped.
    List<String> reordered = new ArrayList<>(lines);
    int l5 = lineOfSeq(reordered, 5);
    Collections.swap(reordered, l5 - 1, l5);
    assertFails(
        write("reordered.jsonl", reordered),
        key,
        "line " + l5 + ": records reordered: seq 6 (line " + l5 + ") comes before seq 5");

    // Forged checkpoint: the signed statement now claims another hash.
    List<String> forged = new ArrayList<>(lines);
    int last = forged.size();
    ObjectNode cp = (ObjectNode) Json.mapper().readTree(forged.get(last - 1));
    String jws = cp.get("checkpoint").get("jws").asText();
    String[] parts = jws.split("\\.");
    JsonNode payload = Json.mapper().readTree(java.util.Base64.getUrlDecoder().decode(parts[1]));
    ((ObjectNode) payload).put("hash", "0".repeat(64));
    String forgedJws =
        parts[0]
            + "."
            + java.util.Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(Json.mapper().writeValueAsBytes(payload))
            + "."
            + parts[2];
    ((ObjectNode) cp.get("checkpoint")).put("jws", forgedJws).put("hash", "0".repeat(64));
    forged.set(last - 1, Json.mapper().writeValueAsString(cp));
    assertFails(write("forged.jsonl", forged), key, "line " + last + ": forged checkpoint");

    // Truncated: the final checkpoint is gone.
    assertFails(
        write("truncated.jsonl", lines.subList(0, lines.size() - 1)), key, "export is truncated");

    // A user outside 'auditors' exports only their own records, as a filtered export.
    Run own = hoop("alice", null, "audit", "export");
    assertThat(own.code()).as(own.err()).isZero();
    assertThat(own.out()).doesNotContain("\"principal\":\"audrey\"").contains("\"filtered\":true");
    Run ownOk =
        hoop(
            "alice",
            null,
            "audit",
            "verify",
            write("own.jsonl", own.out().lines().toList()).toString());
    assertThat(ownOk.code()).as(ownOk.err()).isZero();
    assertThat(ownOk.out()).contains("chain checked: no (filtered export");

    // The exports themselves are audited.
    assertThat(broker.server().audit().list(0, 1000, "audrey", null))
        .extracting(e -> e.type())
        .contains("audit.export");
  }

  private void assertFails(Path file, Path key, String expected) {
    Run r =
        hoop("nobody", null, "audit", "verify", file.toString(), "--public-key", key.toString());
    assertThat(r.code()).as("verify %s: %s %s", file, r.out(), r.err()).isEqualTo(1);
    assertThat(r.err()).contains(expected);
  }
}
