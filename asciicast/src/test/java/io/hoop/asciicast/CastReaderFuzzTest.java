package io.hoop.asciicast;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Fuzzes the cast reader, the writer and the replay filter: what the writer writes, the reader
 * always accepts; whatever a recording holds, the filter lets no string sequence, no C1 control and
 * no answering CSI through.
 */
class CastReaderFuzzTest {
  @FuzzTest(maxDuration = "30s")
  void readerRefusesOrReads(byte[] input) throws IOException {
    try {
      CastRecording r =
          CastReader.read(new StringReader(new String(input, StandardCharsets.UTF_8)));
      for (CastPlayer.Frame f : CastPlayer.frames(r, 1.5, Duration.ofSeconds(2))) {
        assertThat(f.delay().isNegative()).isFalse();
      }
    } catch (CastFormatException e) {
      assertThat(e.getMessage()).startsWith("line ");
    }
  }

  @FuzzTest(maxDuration = "30s")
  void writerOutputIsAValidCast(FuzzedDataProvider data) throws Exception {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    long[] clock = {0};
    try (AsciicastWriter w =
        new AsciicastWriter(
            sink,
            new CastHeader(80, 24, 0, data.consumeString(20), data.consumeString(40)),
            true,
            () -> clock[0])) {
      while (data.remainingBytes() > 0) {
        clock[0] += data.consumeInt(0, 1_000_000_000);
        byte[] chunk = data.consumeBytes(data.consumeInt(0, 64));
        switch (data.consumeInt(0, 3)) {
          case 0 -> w.output(chunk, 0, chunk.length);
          case 1 -> w.input(chunk, 0, chunk.length);
          case 2 -> w.resize(data.consumeInt(-1, 500), data.consumeInt(-1, 500));
          default -> w.echo(data.consumeBoolean());
        }
      }
    }
    CastRecording r = CastReader.read(new StringReader(sink.toString(StandardCharsets.UTF_8)));
    assertThat(r.header().width()).isEqualTo(80);
  }

  @FuzzTest(maxDuration = "30s")
  void filterLetsNothingButDrawingThrough(FuzzedDataProvider data) {
    TerminalFilter f = new TerminalFilter();
    StringBuilder out = new StringBuilder();
    while (data.remainingBytes() > 0) {
      out.append(f.filter(data.consumeString(64)));
    }
    String s = out.toString();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      assertThat(c < 0x20 && "\t\n\r\b\u001b".indexOf(c) < 0).as("C0 at %d", i).isFalse();
      assertThat(c >= 0x7f && c <= 0x9f).as("DEL/C1 at %d", i).isFalse();
      if (c == 0x1b) {
        assertThat(i + 1 < s.length()).as("lone ESC").isTrue();
        assertThat("[78MDE()*+".indexOf(s.charAt(i + 1)))
            .as("ESC %s", s.charAt(i + 1))
            .isNotNegative();
      }
    }
    // What passed the filter passes it again unchanged: nothing was only half removed.
    assertThat(new TerminalFilter().filter(s)).isEqualTo(s);
  }
}
