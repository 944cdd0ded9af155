package io.hoop.engine.ssh.recording;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Fuzzes the cast reader and the writer: what the writer writes, the reader always accepts. */
class CastReaderFuzzTest {
  @FuzzTest(maxDuration = "30s")
  void readerRefusesOrReads(byte[] input) throws IOException {
    try {
      CastRecording r =
          CastReader.read(new StringReader(new String(input, StandardCharsets.UTF_8)));
      CastPlayer.frames(r, 1.5, Duration.ofSeconds(2));
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
}
