package io.hoop.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PatternDetectorTest {

  @Test
  void findsMatchesPassingTheValidator() {
    PatternDetector employee =
        PatternDetector.compile("employee-id", "EMP-[0-9]{6}", Validator.NONE);
    assertThat(employee.find("by EMP-123456 and EMP-654321, not EMP-12"))
        .containsExactly(new Detector.Span(3, 13), new Detector.Span(18, 28));

    PatternDetector card = PatternDetector.compile("card16", "[0-9]{16}", Validator.LUHN);
    assertThat(card.find("4111111111111111 4111111111111112")).hasSize(1);

    PatternDetector iban = PatternDetector.compile("fr-iban", "FR[0-9A-Z]{25}", Validator.MOD97);
    assertThat(iban.find("FR1420041010050500013M02606")).hasSize(1);
    assertThat(iban.find("FR1420041010050500013M02607")).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "(a)\\1", // back-reference
        "(?<=x)y", // look-behind
        "a(?=b)", // look-ahead
        "[unclosed",
        "a{2,1}",
      })
  void patternsRe2RejectsAreRefusedWithTheReason(String regex) {
    assertThatThrownBy(() -> PatternDetector.compile("custom", regex, Validator.NONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("pattern");
  }

  @Test
  void overlongEmptyMatchingAndBadNamesAreRefused() {
    String long1 = "a".repeat(PatternDetector.MAX_PATTERN_CHARS + 1);
    assertThatThrownBy(() -> PatternDetector.compile("x", long1, Validator.NONE))
        .hasMessageContaining("513 characters, expected 1 to 512");
    assertThatThrownBy(() -> PatternDetector.compile("x", "a*", Validator.NONE))
        .hasMessageContaining("empty string");
    assertThatThrownBy(() -> PatternDetector.compile("x", "", Validator.NONE))
        .hasMessageContaining("0 characters");
    assertThatThrownBy(() -> PatternDetector.compile("Bad Name", "a", Validator.NONE))
        .hasMessageContaining("name 'Bad Name'");
    assertThatThrownBy(() -> PatternDetector.compile("email", "a", Validator.NONE))
        .hasMessageContaining("built-in");
  }

  @Test
  void emptyMatchesInsideTextDetectNothing() {
    PatternDetector boundary = PatternDetector.compile("b", "\\b", Validator.NONE);
    assertThat(boundary.find("one two")).isEmpty();
  }

  /**
   * {@code (a+)+$} backtracks exponentially in java.util.regex on "aaaa...b"; RE2/J is linear: 64
   * KiB of it is scanned in well under a second, and doubling the input about doubles the time.
   */
  @Test
  void pathologicalPatternStaysLinear() {
    PatternDetector evil = PatternDetector.compile("evil", "(a+)+$", Validator.NONE);
    String small = "a".repeat(32 * 1024) + "b";
    String large = "a".repeat(64 * 1024) + "b";
    evil.find(small); // warm up
    long t1 = time(() -> evil.find(small));
    long t2 = time(() -> evil.find(large));
    assertThat(t2).isLessThan(1_000_000_000L);
    // Linear, with generous slack for a shared machine: far from the exponential blow-up.
    assertThat(t2).isLessThan(Math.max(8 * t1, 200_000_000L));
    assertThat(evil.find("aaaa")).isEqualTo(List.of(new Detector.Span(0, 4)));
    assertThat(evil.find(large)).isEmpty();
  }

  private static long time(Runnable r) {
    long best = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      long start = System.nanoTime();
      r.run();
      best = Math.min(best, System.nanoTime() - start);
    }
    return best;
  }
}
