package io.hoop.cli.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Fuzzes {@code hoop audit verify}'s reading of a hostile file: any bytes, and an export that
 * starts at a signed anchor with one line replaced, end in a verdict (intact, or a bad line and a
 * problem), never in another exception; a changed line is never passed as intact unless it means
 * the same. Regression mode runs in every build.
 */
class AuditVerifierFuzzTest {
  private static final ExportFixture FX;
  private static final List<String> ANCHORED;

  static {
    try {
      FX = new ExportFixture().records(12);
      ANCHORED = AnchoredExportTest.anchored(FX.lines(5), 5);
    } catch (Exception e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private static VerifyResult verify(byte[] bytes) {
    try {
      VerifyResult r = AuditVerifier.verify(new ByteArrayInputStream(bytes), FX.key.toPublicJWK());
      if (!r.ok()) {
        assertThat(r.problem()).isNotBlank();
        assertThat(r.line()).isPositive();
      }
      return r;
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @FuzzTest(maxDuration = "30s")
  void anyBytesGetAVerdict(byte[] input) {
    verify(input);
  }

  @FuzzTest(maxDuration = "30s")
  void aReplacedLineOfAnAnchoredExportFailsUnlessItMeansTheSame(FuzzedDataProvider data) {
    List<String> lines = new ArrayList<>(ANCHORED);
    int i = data.consumeInt(0, lines.size() - 1);
    String replacement = data.consumeRemainingAsString();
    String original = lines.get(i);
    lines.set(i, replacement);
    VerifyResult r = verify(ExportFixture.text(lines).getBytes(StandardCharsets.UTF_8));
    if (r.ok() && !replacement.equals(original) && i > 0) {
      // Only a line that parses to the same JSON (another spelling) may still verify.
      try {
        assertThat(io.hoop.api.Json.mapper().readTree(replacement))
            .isEqualTo(io.hoop.api.Json.mapper().readTree(original));
      } catch (IOException e) {
        throw new AssertionError("unparseable line verified: " + replacement, e);
      }
    }
  }
}
