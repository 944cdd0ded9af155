package io.hoop.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BuiltinDetectorTest {

  private static String masked(Detector d, String text) {
    StringBuilder out = new StringBuilder();
    int last = 0;
    for (Detector.Span s : d.find(text)) {
      out.append(text, last, s.start()).append("<X>");
      last = s.end();
    }
    return out.append(text.substring(last)).toString();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "123-45-6789",
        "ssn 123 45 6789 on file",
        "id:123-45-6789.",
        "SSN: 123456789",
        "ssn#123456789",
        "Social Security Number 123456789",
        "(001-01-0001)",
        "899-99-9999",
        "\"665-12-3456\"",
      })
  void validSsnsAreDetected(String text) {
    assertThat(masked(BuiltinDetector.US_SSN, text))
        .contains("<X>")
        .doesNotContainPattern("\\d{4}");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "000-12-3456", // area 000
        "666-12-3456", // area 666
        "900-12-3456", // area 9xx
        "987-65-4321", // area 9xx (advertising range)
        "123-00-4567", // group 00
        "123-45-0000", // serial 0000
        "078-05-1120", // the Woolworth wallet card
        "219-09-9999", // published in an ad
        "123456789", // bare digits without a label: an order number, not an SSN
        "order 123456789 shipped",
        "123-45-67890", // longer run
        "0123-45-6789",
        "123-45 6789", // mixed separators
        "2024-01-0001", // a date-like code
        "phone 555-123-4567",
        "a123-45-6789",
        "ssn 1234567890", // ten digits after the label
      })
  void invalidOrUnlabelledNumbersAreNotSsns(String text) {
    assertThat(BuiltinDetector.US_SSN.find(text)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"4111 1111 1111 1111", "4111-1111-1111-1111", "5500000000000004"})
  void cardsPassingLuhnAreDetected(String card) {
    assertThat(BuiltinDetector.PAYMENT_CARD.find("card " + card + " ok")).hasSize(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"4111 1111 1111 1112", "1234567890123"})
  void cardsFailingLuhnAreNot(String card) {
    assertThat(BuiltinDetector.PAYMENT_CARD.find(card)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"GB82 WEST 1234 5698 7654 32", "DE89370400440532013000"})
  void ibansPassingMod97AreDetected(String iban) {
    assertThat(BuiltinDetector.IBAN.find(iban)).hasSize(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"GB82 WEST 1234 5698 7654 33", "DE89370400440532013001"})
  void ibansFailingMod97AreNot(String iban) {
    assertThat(BuiltinDetector.IBAN.find(iban)).isEmpty();
  }

  @org.junit.jupiter.api.Test
  void emailScanIsLinearOnHostileValues() {
    // Quadratic before: each start in a long run of address characters scanned to the run's end.
    for (String hostile :
        List.of(
            "a".repeat(256 * 1024) + "@",
            "a".repeat(128 * 1024) + "@" + "b".repeat(128 * 1024),
            "a@" + "b.".repeat(64 * 1024),
            "x@y".repeat(64 * 1024),
            ("a".repeat(100) + "@").repeat(2000))) {
      // This thread's CPU time, not the wall clock: a busy machine must not fail a linear scan,
      // while the quadratic one cost seconds of CPU on these values.
      java.lang.management.ThreadMXBean cpu =
          java.lang.management.ManagementFactory.getThreadMXBean();
      long start = cpu.getCurrentThreadCpuTime();
      BuiltinDetector.EMAIL.find(hostile);
      assertThat(java.time.Duration.ofNanos(cpu.getCurrentThreadCpuTime() - start))
          .as("%d chars", hostile.length())
          .isLessThan(java.time.Duration.ofSeconds(2));
    }
  }

  @org.junit.jupiter.api.Test
  void aLocalPartLongerThanTheBoundIsMaskedWhole() {
    String local = "first.last.with.a.very.long.local.part." + "x".repeat(80);
    String text = "mail " + local + "@example.com now";
    assertThat(BuiltinDetector.EMAIL.find(text))
        .isEqualTo(List.of(new Detector.Span(5, 5 + local.length() + "@example.com".length())));
    String deep = "ops@" + "a.".repeat(20) + "example.com";
    assertThat(BuiltinDetector.EMAIL.find(deep))
        .isEqualTo(List.of(new Detector.Span(0, deep.length())));
    assertThat(BuiltinDetector.EMAIL.find("a@b.example c@d.example"))
        .isEqualTo(List.of(new Detector.Span(0, 11), new Detector.Span(12, 23)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"us-ssn", "payment-card", "email", "iban", "private-key"})
  void configNamesResolve(String id) {
    assertThat(BuiltinDetector.byId(id)).isNotNull();
    assertThat(BuiltinDetector.byId(id).id()).isEqualTo(id);
  }

  @org.junit.jupiter.api.Test
  void validatorsRejectMalformedInput() {
    assertThat(Validators.mod97("")).isFalse();
    assertThat(Validators.mod97("GB82-WEST")).isFalse();
    assertThat(Validators.mod97("x".repeat(40))).isFalse();
    assertThat(Validators.luhn("")).isFalse();
    assertThat(Validators.luhn("0")).isFalse();
    assertThat(Validators.usSsn("12-34")).isFalse();
    assertThat(BuiltinDetector.EMAIL.find("write to a@b.example now"))
        .isEqualTo(List.of(new Detector.Span(9, 20)));
  }
}
