package io.hoop.engine.postgres.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoop.detect.BuiltinDetector;
import io.hoop.engine.postgres.mask.MaskStyle;
import io.hoop.engine.postgres.mask.MaskingRules;
import io.hoop.engine.postgres.mask.TextMasker;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CopyMaskerTest {
  private final CopyMasker masker =
      new CopyMasker(
          new TextMasker(
              new MaskingRules(
                  List.of(),
                  Set.of(BuiltinDetector.EMAIL, BuiltinDetector.PAYMENT_CARD),
                  MaskStyle.REDACT,
                  new byte[16])));

  private String mask(String row) {
    return new String(masker.mask(row.getBytes(StandardCharsets.UTF_8)).data(), UTF8);
  }

  private static final java.nio.charset.Charset UTF8 = StandardCharsets.UTF_8;

  @Test
  void masksFieldsOfTextAndCsvRowsKeepingTheirShape() {
    assertThat(mask("1\ta@example.com\t4111 1111 1111 1111\tok\n"))
        .isEqualTo("1\t****\t****\tok\n");
    assertThat(mask("1,\"x a@example.com y\",ok\n")).isEqualTo("1,\"x **** y\",ok\n");
    assertThat(masker.mask("1\tnothing\n".getBytes(UTF8)).maskedFields()).isZero();
    assertThat(masker.mask("a@example.com\tb@example.com\n".getBytes(UTF8)).maskedFields())
        .isEqualTo(2);
  }

  @Test
  void decodesHexByteaInTextAndCsvFormat() {
    String hex = HexFormat.of().formatHex("a@example.com".getBytes(UTF8));
    String masked = HexFormat.of().formatHex("****".getBytes(UTF8));
    assertThat(mask("\\\\x" + hex + "\n")).isEqualTo("\\\\x" + masked + "\n");
    assertThat(mask("\\x" + hex + ",1\n")).isEqualTo("\\x" + masked + ",1\n");
    assertThat(mask("\\x4\n")).isEqualTo("\\x4\n");
  }

  @Test
  void unchangedRowsAreTheSameArray() {
    byte[] row = "1\t2\n".getBytes(UTF8);
    assertThat(masker.mask(row).data()).isSameAs(row);
  }
}
