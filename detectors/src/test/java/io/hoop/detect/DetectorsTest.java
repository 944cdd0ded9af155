package io.hoop.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class DetectorsTest {
  @Test
  void namesAreTheIdsAndThePostgresAliases() {
    assertThat(Detectors.builtin("card")).isEqualTo(BuiltinDetector.PAYMENT_CARD);
    assertThat(Detectors.builtin("payment-card")).isEqualTo(BuiltinDetector.PAYMENT_CARD);
    assertThat(Detectors.builtin("ssn")).isEqualTo(BuiltinDetector.US_SSN);
    assertThat(Detectors.builtin("access-key")).isEqualTo(BuiltinDetector.AWS_ACCESS_KEY);
    assertThat(Detectors.builtin("EMAIL")).isNull();
    assertThat(Detectors.builtin(null)).isNull();
    assertThat(Detectors.builtinNames()).contains("email", "card", "iban", "jwt", "ssn", "us-ssn");
  }

  @Test
  void masksEverySpanOfEveryDetectorAndKeepsTheRest() {
    String text = "ada@example.com paid 4111 1111 1111 1111, not 4111 1111 1111 1112";
    assertThat(
            Detectors.mask(
                text,
                List.of(BuiltinDetector.EMAIL, BuiltinDetector.PAYMENT_CARD),
                s -> "<" + s.length() + ">"))
        .isEqualTo("<15> paid <19>, not 4111 1111 1111 1112");
    assertThat(Detectors.mask("nothing", List.of(BuiltinDetector.EMAIL), s -> "x")).isNull();
    assertThat(Detectors.mask("a@b.example", List.of(), s -> "x")).isNull();
  }
}
