package io.hoop.asciicast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CastReaderTest {
  static final String HEADER = "{\"version\": 2, \"width\": 80, \"height\": 24}\n";

  @Test
  void readsAsciinemaFiles() throws Exception {
    CastRecording r =
        CastReader.read(
            new StringReader(
                "{\"version\":2,\"width\":100,\"height\":50,\"timestamp\":1509091818,\"idle_time_limit\":2,"
                    + "\"env\":{\"SHELL\":\"/bin/bash\",\"TERM\":\"xterm-256color\"},\"title\":\"demo\"}\n"
                    + "[0.248848, \"o\", \"\\u001b[1;31mHello \\u001b[32mWorld!\\u001b[0m\\n\"]\n"
                    + "\n"
                    + "[1.001376, \"o\", \"That was ok\\rThis is better.\"]\n"
                    + "[1.5, \"m\", \"\"]\n"
                    + "[2.143733, \"i\", \"x\"]\n"
                    + "[2.2, \"r\", \"90x30\"]"));
    assertThat(r.header().title()).isEqualTo("demo");
    assertThat(r.header().timestamp()).isEqualTo(1509091818L);
    assertThat(r.events()).hasSize(5);
    assertThat(r.events().get(0).data()).startsWith("\u001b[1;31mHello");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "''|line 1: the file is empty",
        "'[1]'|line 1: expected the header object",
        "'{\"version\": 1, \"width\": 80, \"height\": 24}'|line 1: version is 1; expected 2",
        "'{\"version\": 2, \"width\": 0, \"height\": 24}'|line 1: width is 0",
        "'{\"version\": 2, \"width\": 80, \"height\": \"24\"}'|line 1: height is \"24\"",
        "'{\"version\": 2, \"width\": 80, \"height\": 99999}'|line 1: height is 99999",
        "'{\"version\": 2'|line 1: not JSON",
        "'{\"version\": 2, \"width\": 80, \"height\": 24} x'|line 1: not JSON",
      })
  void badHeaders(String text, String message) {
    assertThatThrownBy(() -> CastReader.read(new StringReader(text)))
        .isInstanceOf(CastFormatException.class)
        .hasMessageStartingWith(message);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "'[1, \"o\"]'|line 2: expected [time, type, data]",
        "'{\"t\": 1}'|line 2: expected [time, type, data]",
        "'[-1, \"o\", \"x\"]'|line 2: the time is not a number",
        "'[\"1\", \"o\", \"x\"]'|line 2: the time is not a number",
        "'[1, \"x\", \"x\"]'|line 2: event type 'x' is not o, i, r or m",
        "'[1, \"o\", 3]'|line 2: type and data must be strings",
        "'[1, \"r\", \"80by24\"]'|line 2: resize '80by24' is not COLSxROWS",
        "'[1, \"r\", \"0x24\"]'|line 2: resize '0x24' is not COLSxROWS",
        "'[1, \"o\", \"x\"'|line 2: not JSON",
        "'[1e999, \"o\", \"x\"]'|line 2: the time is not a number",
      })
  void badEvents(String line, String message) {
    assertThatThrownBy(() -> CastReader.read(new StringReader(HEADER + line)))
        .isInstanceOf(CastFormatException.class)
        .hasMessageStartingWith(message);
  }

  @Test
  void timeNeverGoesBack() {
    assertThatThrownBy(
            () ->
                CastReader.read(new StringReader(HEADER + "[2, \"o\", \"a\"]\n[1, \"o\", \"b\"]")))
        .hasMessageStartingWith("line 3: time 1.0 is before the previous event's 2.0");
  }

  @Test
  void longLinesAreRefused() {
    String line = "[1, \"o\", \"" + "a".repeat(CastReader.MAX_LINE) + "\"]";
    assertThatThrownBy(() -> CastReader.read(new StringReader(HEADER + line)))
        .hasMessageStartingWith("line 2: longer than");
  }
}
