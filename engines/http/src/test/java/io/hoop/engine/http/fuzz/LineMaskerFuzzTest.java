package io.hoop.engine.http.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.hoop.detect.BuiltinDetector;
import io.hoop.engine.http.config.MaskStyle;
import io.hoop.engine.http.mask.LineMasker;
import io.hoop.engine.http.mask.MaskPlan;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Fuzzes the log line masker: any bytes, any chunking: never throws, the output is the same
 * whatever the chunking, it has as many line ends as the input, and no output line still holds an
 * e-mail address. Regression mode runs in every build.
 */
class LineMaskerFuzzTest {
  private static final MaskPlan PLAN =
      MaskPlan.ofLines(
          List.of(BuiltinDetector.EMAIL, BuiltinDetector.PAYMENT_CARD, BuiltinDetector.JWT),
          MaskStyle.REDACT,
          new byte[32]);

  @FuzzTest(maxDuration = "30s")
  void linesAreMaskedTheSameWhateverTheChunking(FuzzedDataProvider data) {
    int step = data.consumeInt(1, 64);
    byte[] in = data.consumeRemainingAsBytes();
    byte[] whole = mask(in, Math.max(1, in.length));
    byte[] chunked = mask(in, step);
    assertThat(chunked).isEqualTo(whole);
    assertThat(count(whole)).isEqualTo(count(in));
    for (String line : new String(whole, StandardCharsets.UTF_8).split("\n", -1)) {
      assertThat(BuiltinDetector.EMAIL.find(line)).isEmpty();
    }
  }

  private static byte[] mask(byte[] in, int step) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    LineMasker m = new LineMasker(PLAN, out::write);
    for (int i = 0; i < in.length; i += step) {
      m.feed(in, i, Math.min(step, in.length - i));
    }
    m.finish();
    return out.toByteArray();
  }

  private static int count(byte[] b) {
    int n = 0;
    for (byte x : b) {
      if (x == '\n') {
        n++;
      }
    }
    return n;
  }
}
