package io.hoop.cli.output;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OperationTextTest {
  @Test
  void printableTextIsUnchanged() {
    assertThat(OperationText.escape("rm -rf /tmp/x; echo 'é ü 日本 😀'"))
        .isEqualTo("rm -rf /tmp/x; echo 'é ü 日本 😀'");
    assertThat(OperationText.escape(null)).isEqualTo("-");
  }

  @Test
  void everythingATerminalWouldActOnIsEscapedAndTheRenderingIsUnambiguous() {
    assertThat(OperationText.escape("a\nb\rc\td\\n")).isEqualTo("a\\nb\\rc\\td\\\\n");
    assertThat(OperationText.escape("\u001b[2J\u001b]0;t\u0007\u009b31m\u007f\u0000"))
        .isEqualTo("\\u{001B}[2J\\u{001B}]0;t\\u{0007}\\u{009B}31m\\u{007F}\\u{0000}");
    // Trojan Source: bidi overrides and isolates, zero-width characters, line separators.
    assertThat(OperationText.escape("\u202eabc\u2066\u200b\u2028\u2029\ufeff"))
        .isEqualTo("\\u{202E}abc\\u{2066}\\u{200B}\\u{2028}\\u{2029}\\u{FEFF}");
    assertThat(OperationText.escape("x\uD800y\uDC00")).isEqualTo("x\\u{D800}y\\u{DC00}");
    assertThat(OperationText.escape("\uE000")).isEqualTo("\\u{E000}");
  }

  @Test
  void noControlCharacterSurvivesAnyInput() {
    StringBuilder all = new StringBuilder();
    for (int c = 0; c < 0x3000; c++) {
      all.appendCodePoint(c);
    }
    String out = OperationText.escape(all.toString());
    assertThat(
            out.codePoints()
                .filter(
                    c ->
                        Character.isISOControl(c)
                            || Character.getType(c) == Character.FORMAT
                            || Character.getType(c) == Character.LINE_SEPARATOR
                            || Character.getType(c) == Character.PARAGRAPH_SEPARATOR))
        .isEmpty();
  }
}
