package io.hoop.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import io.hoop.api.AuditCanonical;
import io.hoop.api.AuditCheckpoint;
import io.hoop.api.AuditRecord;
import io.hoop.api.Json;
import io.hoop.broker.audit.AuditExporter;
import io.hoop.broker.audit.AuditTrail;
import io.hoop.broker.config.RetentionConfig;
import io.hoop.broker.retention.PurgeReport;
import io.hoop.broker.retention.RetentionPurger;
import io.hoop.broker.store.AuditLog;
import io.hoop.broker.store.Store;
import io.hoop.it.HoopCli.Run;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Retention purge with verify, on a real store: exports before and after a purge each pass {@code
 * hoop audit verify} (the later one from its signed anchor), together they verify as one chain, and
 * forged anchors, gaps and reordered records fail with a message naming what is wrong. Run on H2
 * ({@code RetentionVerifyH2IT}) and PostgreSQL ({@code RetentionVerifyPostgresIT}).
 */
abstract class RetentionVerifySuite {
  static final Instant T0 = Instant.parse("2026-01-01T09:00:00.000001Z");

  /** Opens a fresh store for the test. */
  abstract Store openStore(Path dir);

  static final class ManualClock extends Clock {
    volatile Instant now = T0;

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
      return now;
    }
  }

  Path dir;
  Store store;
  ManualClock clock = new ManualClock();
  AuditLog log;
  AuditTrail trail;
  Path key;

  @BeforeEach
  void open() throws Exception {
    dir = Files.createTempDirectory("hoop-retention-verify-");
    store = openStore(dir);
    log = new AuditLog(store, clock);
    trail = AuditTrail.create(dir, store, log, clock, 100, Duration.ofMinutes(5));
    key = Files.writeString(dir.resolve("audit-key.jwk"), trail.signer().publicJwk());
  }

  @AfterEach
  void close() throws Exception {
    if (store != null) {
      store.close();
    }
    try (var walk = Files.walk(dir)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private void append(int n) {
    for (int i = 0; i < n; i++) {
      log.append("grant.approved", "alice", "db", "g-" + i, "T-" + (i % 7), Map.of("i", i));
    }
  }

  private List<String> export() throws Exception {
    String body =
        new String(
            trail
                .exporter()
                .export(new AuditExporter.Query(null, null, null, null), "audrey")
                .body(),
            StandardCharsets.UTF_8);
    return new ArrayList<>(body.lines().toList());
  }

  private Path write(String name, List<String> lines) throws Exception {
    return Files.writeString(dir.resolve(name), String.join("\n", lines) + "\n");
  }

  private Run verify(Path... files) {
    List<String> args = new ArrayList<>(List.of("audit", "verify"));
    for (Path f : files) {
      args.add(f.toString());
    }
    args.add("--public-key");
    args.add(key.toString());
    return HoopCli.run(HoopCli.env(dir.resolve("home")), null, args.toArray(String[]::new));
  }

  private void fails(Path file, String message) {
    Run r = verify(file);
    assertThat(r.code()).as(r.out()).isEqualTo(1);
    assertThat(r.err()).contains(message).contains("(verification failed)");
  }

  private static int indexOfSeq(List<String> lines, long seq) throws Exception {
    for (int i = 0; i < lines.size(); i++) {
      JsonNode n = Json.mapper().readTree(lines.get(i));
      if (n.has("seq") && n.has("hash") && n.get("seq").asLong() == seq) {
        return i;
      }
    }
    throw new AssertionError("no record seq " + seq);
  }

  @Test
  void aPurgedLogStillVerifiesFromItsAnchorAndJoinsTheOldExport() throws Exception {
    append(150);
    Path early = write("early.jsonl", export()); // 1..150
    append(100);
    trail.checkpointer().tick();
    Path before = write("before.jsonl", export()); // 1..250, signed at 250
    clock.now = T0.plus(Duration.ofDays(100));
    append(20);

    RetentionPurger purger =
        new RetentionPurger(
            store,
            log,
            trail.exports(),
            () ->
                new RetentionConfig(
                    RetentionConfig.Keep.FOREVER,
                    RetentionConfig.Keep.FOREVER,
                    new RetentionConfig.Keep(Duration.ofDays(90)),
                    Duration.ofHours(1),
                    Map.of()),
            null,
            clock);
    PurgeReport report = purger.purge(false, "admin:test");
    PurgeReport.Kind audit =
        report.kinds().stream().filter(k -> k.kind().equals("audit")).findFirst().orElseThrow();
    assertThat(audit.deleted()).isEqualTo(250);
    assertThat(audit.throughSeq()).isEqualTo(250);

    List<String> after = export();
    Path afterFile = write("after.jsonl", after);
    assertThat(after.get(1)).startsWith("{\"anchor\":{\"seq\":250,");

    Run old = verify(before);
    assertThat(old.code()).as(old.err()).isZero();
    assertThat(old.out()).contains("chain checked: yes, from the start of the log (seq 1)");
    Run now = verify(afterFile);
    assertThat(now.code()).as(now.err()).isZero();
    assertThat(now.out())
        .contains("records:      seq 251 .. ")
        .contains("linked to the signed anchor of seq 250");
    // The purge's own record is in the chain after the purge.
    assertThat(String.join("\n", after)).contains("\"type\":\"retention.purged\"");

    // Old and new together: one chain from seq 1, joined at the anchor.
    Run both = verify(before, afterFile);
    assertThat(both.code()).as(both.err()).isZero();
    assertThat(both.out())
        .contains("before.jsonl + ")
        .contains(": one chain, seq 1 .. ")
        .contains("(joined at seq 250, the newer file's signed anchor)");

    // The early export ends at 150: records 151..250 are in neither file.
    Run gap = verify(early, afterFile);
    assertThat(gap.code()).isEqualTo(1);
    assertThat(gap.err())
        .contains("records deleted between the files")
        .contains("ends at seq 150")
        .contains("starts at seq 251");
    Run backwards = verify(afterFile, before);
    assertThat(backwards.code()).isEqualTo(1);
    assertThat(backwards.err()).contains("give the files oldest first");

    tampering(after, before);
  }

  /** Each way of hiding or faking what the purge removed fails, naming it. */
  private void tampering(List<String> after, Path before) throws Exception {
    // Forged anchor: the same fields, signed with another key.
    ECKey other = new ECKeyGenerator(Curve.P_256).keyID("attacker").generate();
    JsonNode anchor = Json.mapper().readTree(after.get(1)).get("anchor");
    List<String> forged = new ArrayList<>(after);
    forged.set(
        1,
        anchorLine(sign(other, anchor.get("seq").asLong(), anchor.get("hash").asText(), anchor)));
    fails(write("forged.jsonl", forged), "line 2: forged anchor (seq 250): bad signature");

    // The anchor's readable fields changed to another hash: they differ from what is signed.
    List<String> edited = new ArrayList<>(after);
    edited.set(1, after.get(1).replace(anchor.get("hash").asText(), "ab".repeat(32)));
    fails(write("edited-anchor.jsonl", edited), "forged anchor (seq 250): its fields differ");

    // A genuine signed checkpoint of an earlier record as the anchor: the records between are
    // missing.
    List<String> beforeLines = Files.readAllLines(before);
    String cp200 =
        beforeLines.get(indexOfSeq(beforeLines, 200) + 1).replace("\"checkpoint\"", "\"anchor\"");
    List<String> earlier = new ArrayList<>(after);
    earlier.set(1, cp200);
    fails(
        write("earlier-anchor.jsonl", earlier),
        "record(s) deleted: seq gap between the anchor (seq 200) and the first record (seq 251)");

    // A gap: the first record after the anchor deleted.
    List<String> gap = new ArrayList<>(after);
    gap.remove(indexOfSeq(gap, 251));
    fails(
        write("gap.jsonl", gap),
        "record(s) deleted: seq gap between the anchor (seq 250) and the first record (seq 252)");

    // A reordered record.
    List<String> reordered = new ArrayList<>(after);
    Collections.swap(reordered, indexOfSeq(reordered, 252), indexOfSeq(reordered, 253));
    fails(write("reordered.jsonl", reordered), "records reordered");

    // The anchor dropped, to pass the export off as the whole log: it no longer starts at 1.
    List<String> unanchored = new ArrayList<>(after);
    unanchored.remove(1);
    fails(
        write("unanchored.jsonl", unanchored),
        "export starts at seq 251 without an anchor: records 1..250 are missing");

    // The first record replaced by one that links elsewhere, its hash recomputed.
    List<String> replaced = new ArrayList<>(after);
    int i = indexOfSeq(replaced, 251);
    AuditRecord r = Json.mapper().readValue(replaced.get(i), AuditRecord.class);
    AuditRecord fake =
        new AuditRecord(
            r.seq(),
            r.time(),
            r.type(),
            "mallory",
            r.target(),
            r.grantId(),
            r.task(),
            r.details(),
            "cd".repeat(32),
            null);
    fake =
        new AuditRecord(
            fake.seq(),
            fake.time(),
            fake.type(),
            fake.principal(),
            fake.target(),
            fake.grantId(),
            fake.task(),
            fake.details(),
            fake.prevHash(),
            fake.computeHash());
    replaced.set(i, Json.mapper().writeValueAsString(fake));
    fails(
        write("replaced.jsonl", replaced),
        "prev link broken between the anchor and seq 251: its prevHash is not the signed hash of"
            + " seq 250");

    // Two anchors, or one after the records.
    List<String> twice = new ArrayList<>(after);
    twice.add(2, after.get(1));
    fails(write("twice.jsonl", twice), "a second anchor");
    List<String> late = new ArrayList<>(after);
    late.add(4, after.get(1));
    fails(write("late.jsonl", late), "anchor found after records");
  }

  private static String anchorLine(AuditCheckpoint cp) throws Exception {
    return Json.mapper().writeValueAsString(new AuditCheckpoint.AnchorLine(cp));
  }

  private static AuditCheckpoint sign(ECKey key, long seq, String hash, JsonNode like)
      throws Exception {
    String time = like.get("time").asText();
    JWSObject jws =
        new JWSObject(
            new JWSHeader.Builder(JWSAlgorithm.ES256)
                .type(new JOSEObjectType(AuditCheckpoint.JWS_TYPE))
                .keyID(key.getKeyID())
                .build(),
            new Payload(AuditCanonical.json(Map.of("seq", seq, "hash", hash, "time", time))));
    jws.sign(new ECDSASigner(key));
    return new AuditCheckpoint(seq, hash, time, jws.serialize());
  }
}
