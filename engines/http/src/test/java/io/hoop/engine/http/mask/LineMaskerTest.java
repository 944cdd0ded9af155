package io.hoop.engine.http.mask;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoop.detect.BuiltinDetector;
import io.hoop.engine.http.config.MaskStyle;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineMaskerTest {
  private static final MaskPlan PLAN =
      MaskPlan.ofLines(
          List.of(BuiltinDetector.EMAIL, BuiltinDetector.PAYMENT_CARD),
          MaskStyle.REDACT,
          new byte[32]);

  private static String mask(byte[] in, int step, LineMasker[] keep) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    LineMasker m = new LineMasker(PLAN, out::write);
    for (int i = 0; i < in.length; i += step) {
      m.feed(in, i, Math.min(step, in.length - i));
    }
    m.finish();
    keep[0] = m;
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void masksDetectedSpansLineByLineWhateverTheChunking() {
    String log =
        "2026-12-07 login ok user=ada@example.com\n"
            + "charge 4111 1111 1111 1111 ok\n"
            + "order 4111 1111 1111 1112 kept\n"
            + "no newline at the end bob@example.org";
    String expected =
        "2026-12-07 login ok user=****\ncharge **** ok\norder 4111 1111 1111 1112 kept\n"
            + "no newline at the end ****";
    byte[] in = log.getBytes(StandardCharsets.UTF_8);
    for (int step : new int[] {1, 3, 7, in.length}) {
      LineMasker[] m = new LineMasker[1];
      assertThat(mask(in, step, m)).isEqualTo(expected);
      assertThat(m[0].masked()).isEqualTo(3);
    }
  }

  @Test
  void linesWithoutDetectionsPassByteForByteEvenWhenNotUtf8() {
    byte[] in = {'a', (byte) 0xff, (byte) 0xc3, '\n', 'b', '\r', '\n'};
    LineMasker[] m = new LineMasker[1];
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    LineMasker masker = new LineMasker(PLAN, out::write);
    masker.feed(in, 0, in.length);
    masker.finish();
    assertThat(out.toByteArray()).isEqualTo(in);
    assertThat(masker.masked()).isZero();
    assertThat(mask(new byte[0], 1, m)).isEmpty();
  }

  @Test
  void aLineLongerThanTheBoundIsWithheldWholeAndTheNextOnesAreMasked() {
    String longLine = "x".repeat(LineMasker.MAX_LINE - 10) + " ada@example.com " + "y".repeat(20);
    String log = "first a@b.example\n" + longLine + "\nlast c@d.example\n";
    byte[] in = log.getBytes(StandardCharsets.UTF_8);
    for (int step : new int[] {1000, 8192, in.length}) {
      LineMasker[] m = new LineMasker[1];
      String out = mask(in, step, m);
      assertThat(out).isEqualTo("first ****\n" + LineMasker.WITHHELD + "\nlast ****\n");
      assertThat(m[0].masked()).isEqualTo(3);
    }
    // exactly the bound is still masked, not withheld
    String atBound = "z".repeat(LineMasker.MAX_LINE - 16) + " e@f.example.org";
    LineMasker[] m = new LineMasker[1];
    assertThat(mask((atBound + "\n").getBytes(StandardCharsets.UTF_8), 4096, m))
        .isEqualTo("z".repeat(LineMasker.MAX_LINE - 16) + " ****\n");
  }

  @Test
  void anUnterminatedOverlongLastLineIsWithheld() {
    byte[] in = ("k".repeat(LineMasker.MAX_LINE + 1)).getBytes(StandardCharsets.UTF_8);
    LineMasker[] m = new LineMasker[1];
    assertThat(mask(in, 10_000, m)).isEqualTo(LineMasker.WITHHELD);
  }

  @Test
  void anInactivePlanWithoutDetectors() {
    assertThat(MaskPlan.ofLines(List.of(), MaskStyle.REDACT, new byte[32]).active()).isFalse();
    assertThat(PLAN.active()).isTrue();
    assertThat(PLAN.lines()).isTrue();
  }
}
