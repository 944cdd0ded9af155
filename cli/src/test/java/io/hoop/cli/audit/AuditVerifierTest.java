package io.hoop.cli.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import io.hoop.api.AuditRecord;
import io.hoop.api.Json;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AuditVerifierTest {
  ExportFixture fx;
  List<String> lines;

  @BeforeEach
  void export() throws Exception {
    fx = new ExportFixture().records(12);
    // line 1 header; records seq 1..12 on lines 2..; checkpoints after seq 5, 10 and 12
    lines = fx.lines(5);
  }

  private VerifyResult verify(List<String> ls) throws Exception {
    return verify(ExportFixture.text(ls));
  }

  private VerifyResult verify(String text) throws Exception {
    return AuditVerifier.verify(
        new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), fx.key.toPublicJWK());
  }

  private int lineOfSeq(List<String> ls, long seq) throws Exception {
    for (int i = 0; i < ls.size(); i++) {
      var n = Json.mapper().readTree(ls.get(i));
      if (n.has("seq") && n.get("seq").asLong() == seq) {
        return i + 1;
      }
    }
    throw new AssertionError("no seq " + seq);
  }

  @Test
  void anIntactExportPasses() throws Exception {
    VerifyResult r = verify(lines);
    assertThat(r.ok()).as(r.problem()).isTrue();
    assertThat(r.summary().records()).isEqualTo(12);
    assertThat(r.summary().checkpoints()).isEqualTo(3);
    assertThat(r.summary().lastSignedSeq()).isEqualTo(12);
    assertThat(r.summary().unsigned()).isZero();
    assertThat(r.summary().filtered()).isFalse();
  }

  @Test
  void anEditedRecordIsNamedBySeqAndLine() throws Exception {
    int l = lineOfSeq(lines, 7);
    ObjectNode n = (ObjectNode) Json.mapper().readTree(lines.get(l - 1));
    n.put("principal", "mallory");
    lines.set(l - 1, Json.mapper().writeValueAsString(n));
    VerifyResult r = verify(lines);
    assertThat(r.ok()).isFalse();
    assertThat(r.line()).isEqualTo(l);
    assertThat(r.problem()).isEqualTo("record edited: hash mismatch at seq 7");
  }

  @Test
  void anEditedRecordWithARecomputedHashBreaksTheNextLink() throws Exception {
    int l = lineOfSeq(lines, 3);
    AuditRecord orig = Json.mapper().readValue(lines.get(l - 1), AuditRecord.class);
    AuditRecord forged =
        new AuditRecord(
            orig.seq(),
            orig.time(),
            orig.type(),
            "mallory",
            orig.target(),
            orig.grantId(),
            orig.task(),
            orig.details(),
            orig.prevHash(),
            null);
    forged =
        new AuditRecord(
            forged.seq(),
            forged.time(),
            forged.type(),
            forged.principal(),
            forged.target(),
            forged.grantId(),
            forged.task(),
            forged.details(),
            forged.prevHash(),
            forged.computeHash());
    lines.set(l - 1, Json.mapper().writeValueAsString(forged));
    VerifyResult r = verify(lines);
    assertThat(r.ok()).isFalse();
    assertThat(r.line()).isEqualTo(l + 1);
    assertThat(r.problem()).startsWith("prev link broken between seq 3 and 4");
  }

  @Test
  void aDeletedRecordIsAGapBetweenItsNeighbours() throws Exception {
    int l = lineOfSeq(lines, 8);
    lines.remove(l - 1);
    VerifyResult r = verify(lines);
    assertThat(r.ok()).isFalse();
    assertThat(r.line()).isEqualTo(l);
    assertThat(r.problem())
        .isEqualTo("record(s) deleted: seq gap between 7 and 9 (prev link broken)");
  }

  @Test
  void reorderedRecordsAreReportedAsSuch() throws Exception {
    int l = lineOfSeq(lines, 8);
    Collections.swap(lines, l - 1, l);
    VerifyResult r = verify(lines);
    assertThat(r.ok()).isFalse();
    assertThat(r.line()).isEqualTo(l);
    assertThat(r.problem())
        .isEqualTo(
            "records reordered: seq 9 (line " + l + ") comes before seq 8 (line " + (l + 1) + ")");
  }

  @Test
  void aCheckpointSignedWithAnotherKeyIsForged() throws Exception {
    ECKey other = new ECKeyGenerator(Curve.P_256).keyID("attacker").generate();
    int l = lineOfSeq(lines, 10) + 1;
    AuditRecord r10 = fx.records.get(9);
    lines.set(
        l - 1,
        Json.mapper()
            .writeValueAsString(
                new io.hoop.api.AuditCheckpoint.Line(ExportFixture.sign(other, 10, r10.hash()))));
    VerifyResult r = verify(lines);
    assertThat(r.ok()).isFalse();
    assertThat(r.line()).isEqualTo(l);
    assertThat(r.problem())
        .isEqualTo(
            "forged checkpoint (seq 10): bad signature (signed with key attacker, expected"
                + " test-audit)");
  }

  @Test
  void aCheckpointOverAnotherHashIsCaughtEvenWithTheRightKey() throws Exception {
    int l = lineOfSeq(lines, 10) + 1;
    lines.set(
        l - 1,
        Json.mapper()
            .writeValueAsString(
                new io.hoop.api.AuditCheckpoint.Line(
                    ExportFixture.sign(fx.key, 10, "ab".repeat(32)))));
    VerifyResult r = verify(lines);
    assertThat(r.ok()).isFalse();
    assertThat(r.line()).isEqualTo(l);
    assertThat(r.problem()).contains("signed hash for seq 10 does not match");
  }

  @Test
  void aCheckpointWhoseReadableFieldsWereChangedIsForged() throws Exception {
    int l = lineOfSeq(lines, 5) + 1;
    lines.set(l - 1, lines.get(l - 1).replace("\"seq\":5", "\"seq\":4"));
    VerifyResult r = verify(lines);
    assertThat(r.ok()).isFalse();
    assertThat(r.line()).isEqualTo(l);
    assertThat(r.problem())
        .isEqualTo("forged checkpoint (seq 4): its fields differ from what is signed");
  }

  @Test
  void aFileCutMidLineIsTruncated() throws Exception {
    String text = ExportFixture.text(lines);
    String cut = text.substring(0, text.length() - 40);
    VerifyResult r = verify(cut);
    assertThat(r.ok()).isFalse();
    assertThat(r.line()).isEqualTo(lines.size());
    assertThat(r.problem()).contains("truncated");
  }

  @Test
  void aFileCutAtALineBoundaryIsTruncated() throws Exception {
    List<String> cut = new ArrayList<>(lines.subList(0, lineOfSeq(lines, 11)));
    VerifyResult r = verify(cut);
    assertThat(r.ok()).isFalse();
    assertThat(r.problem())
        .startsWith("export is truncated: it ends at seq 11 but its header says seq 12");
  }

  @Test
  void aGarbageLineIsNamed() throws Exception {
    lines.add(4, "this is not json");
    VerifyResult r = verify(lines);
    assertThat(r.ok()).isFalse();
    assertThat(r.line()).isEqualTo(5);
    assertThat(r.problem()).isEqualTo("malformed line: not a JSON object");

    lines.set(4, "{\"seq\":\"x\"}");
    VerifyResult wrongType = verify(lines);
    assertThat(wrongType.line()).isEqualTo(5);
    assertThat(wrongType.problem()).startsWith("malformed record");
  }

  @Test
  void anOversizedLineIsRefusedWithoutReadingItWhole() throws Exception {
    // 1 GiB of 'x' on line 3, generated lazily: holding it would fail the test with OOM.
    InputStream head =
        new ByteArrayInputStream(
            (lines.get(0) + "\n" + lines.get(1) + "\n").getBytes(StandardCharsets.UTF_8));
    InputStream huge =
        new InputStream() {
          long left = 1L << 30;

          @Override
          public int read() {
            return left-- > 0 ? 'x' : -1;
          }

          @Override
          public int read(byte[] b, int off, int len) {
            if (left <= 0) {
              return -1;
            }
            int n = (int) Math.min(len, left);
            java.util.Arrays.fill(b, off, off + n, (byte) 'x');
            left -= n;
            return n;
          }
        };
    VerifyResult r =
        AuditVerifier.verify(new SequenceInputStream(head, huge), fx.key.toPublicJWK());
    assertThat(r.ok()).isFalse();
    assertThat(r.line()).isEqualTo(3);
    assertThat(r.problem()).contains("longer than 1048576 bytes");
  }

  @Test
  void aFilteredExportChecksEachRecordButNotTheChain() throws Exception {
    List<String> filtered = new ArrayList<>();
    filtered.add(lines.get(0).replace("\"filtered\":false", "\"filtered\":true"));
    for (String l : lines.subList(1, lines.size())) {
      var n = Json.mapper().readTree(l);
      long seq = n.has("seq") ? n.get("seq").asLong() : n.get("checkpoint").get("seq").asLong();
      if (seq % 5 == 0) {
        filtered.add(l);
      }
    }
    VerifyResult r = verify(filtered);
    assertThat(r.ok()).as(r.problem()).isTrue();
    assertThat(r.summary().filtered()).isTrue();
    assertThat(r.summary().records()).isEqualTo(2);
    assertThat(r.summary().checkpoints()).isEqualTo(2);

    // Order still matters in a filtered export.
    Collections.swap(filtered, 1, 3);
    VerifyResult swapped = verify(filtered);
    assertThat(swapped.ok()).isFalse();
  }

  @Test
  void theFirstRecordMustStartTheChain() throws Exception {
    int l = lineOfSeq(lines, 1);
    AuditRecord r1 = fx.records.get(0);
    String badPrev = "1".repeat(64);
    AuditRecord forged =
        new AuditRecord(
            1,
            r1.time(),
            r1.type(),
            r1.principal(),
            r1.target(),
            r1.grantId(),
            r1.task(),
            r1.details(),
            badPrev,
            null);
    forged =
        new AuditRecord(
            1,
            r1.time(),
            r1.type(),
            r1.principal(),
            r1.target(),
            r1.grantId(),
            r1.task(),
            r1.details(),
            badPrev,
            forged.computeHash());
    lines.set(l - 1, Json.mapper().writeValueAsString(forged));
    VerifyResult r = verify(lines);
    assertThat(r.ok()).isFalse();
    assertThat(r.line()).isEqualTo(l);
    assertThat(r.problem()).startsWith("seq 1 does not start the chain");
  }
}
