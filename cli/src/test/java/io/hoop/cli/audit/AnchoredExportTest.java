package io.hoop.cli.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoop.api.Json;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Exports that start after a purge (at a signed anchor), alone and joined with older ones. */
class AnchoredExportTest {
  /**
   * The export a broker writes after purging seq 1..{@code through}: header, the checkpoint of
   * {@code through} as anchor, then the remaining records and their checkpoints.
   */
  static List<String> anchored(List<String> whole, long through) throws Exception {
    List<String> out = new ArrayList<>();
    out.add(whole.get(0));
    boolean anchored = false;
    for (String l : whole.subList(1, whole.size())) {
      var n = Json.mapper().readTree(l);
      long seq = n.has("seq") ? n.get("seq").asLong() : n.get("checkpoint").get("seq").asLong();
      if (!anchored && n.has("checkpoint") && seq == through) {
        out.add(l.replaceFirst("\\{\"checkpoint\":", "{\"anchor\":"));
        anchored = true;
      } else if (seq > through) {
        out.add(l);
      }
    }
    return out;
  }

  static VerifyResult verify(ExportFixture fx, List<String> lines) throws Exception {
    return AuditVerifier.verify(
        new ByteArrayInputStream(ExportFixture.text(lines).getBytes(StandardCharsets.UTF_8)),
        fx.key.toPublicJWK());
  }

  private static ExportJoin.Part part(ExportFixture fx, String name, List<String> lines)
      throws Exception {
    VerifyResult r = verify(fx, lines);
    assertThat(r.ok()).as(r.problem()).isTrue();
    byte[] bytes = ExportFixture.text(lines).getBytes(StandardCharsets.UTF_8);
    return new ExportJoin.Part(name, r.summary(), () -> new ByteArrayInputStream(bytes));
  }

  @Test
  void anAnchoredExportVerifiesFromItsAnchor() throws Exception {
    ExportFixture fx = new ExportFixture().records(12);
    VerifyResult r = verify(fx, anchored(fx.lines(5), 5));
    assertThat(r.ok()).as(r.problem()).isTrue();
    assertThat(r.summary().anchorSeq()).isEqualTo(5);
    assertThat(r.summary().firstSeq()).isEqualTo(6);
    assertThat(r.summary().records()).isEqualTo(7);
  }

  @Test
  void exportsJoinOnlyWhenTheyAreOneChain() throws Exception {
    ExportFixture fx = new ExportFixture().records(12);
    List<String> whole = fx.lines(5);
    ExportJoin.Part old = part(fx, "old", whole);
    ExportJoin.Part purged = part(fx, "new", anchored(whole, 10));
    assertThat(ExportJoin.problem(old, purged)).isNull();

    // Another log signed by the same key (records of mallory, not alice): the anchor at 10 is
    // not the record the old export holds there.
    ExportFixture other = new ExportFixture(fx.key).records(12, "mallory");
    ExportJoin.Part foreign = part(fx, "foreign", anchored(other.lines(5), 10));
    assertThat(ExportJoin.problem(old, foreign))
        .contains("the chains differ")
        .contains("signed anchor at seq 10 is not the record old holds there");

    // Overlapping exports that disagree at their last common record are a fork.
    ExportJoin.Part overlapping = part(fx, "overlap", other.lines(5));
    assertThat(ExportJoin.problem(old, overlapping))
        .contains("different records at seq 12 (a fork)");
  }
}
