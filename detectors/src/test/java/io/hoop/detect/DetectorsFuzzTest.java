package io.hoop.detect;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/** Detectors and the JSON leaf scanner take any text without throwing; spans stay in range. */
class DetectorsFuzzTest {

  @FuzzTest(maxDuration = "30s")
  void detectorsReturnOrderedSpansInRange(FuzzedDataProvider data) {
    String text = data.consumeRemainingAsString();
    for (BuiltinDetector d : BuiltinDetector.values()) {
      int last = 0;
      for (Detector.Span s : d.find(text)) {
        assertThat(s.start()).isGreaterThanOrEqualTo(last);
        assertThat(s.end()).isLessThanOrEqualTo(text.length());
        last = s.end();
      }
    }
    String masked = JsonStrings.maskEscapedLeaves(text, leaf -> "x");
    if (masked != null) {
      assertThat(masked).isNotNull();
    }
  }

  @FuzzTest(maxDuration = "30s")
  void configuredPatternsCompileOrAreRefused(FuzzedDataProvider data) {
    String regex = data.consumeString(600);
    String text = data.consumeRemainingAsString();
    PatternDetector d;
    try {
      d = PatternDetector.compile("fuzz", regex, Validator.LUHN);
    } catch (IllegalArgumentException refused) {
      return;
    }
    for (Detector.Span s : d.find(text)) {
      assertThat(s.end()).isGreaterThan(s.start()).isLessThanOrEqualTo(text.length());
    }
  }
}
