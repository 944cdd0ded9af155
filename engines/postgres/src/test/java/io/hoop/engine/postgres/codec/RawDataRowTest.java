package io.hoop.engine.postgres.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoop.engine.postgres.message.DecodeFailure;
import io.hoop.engine.postgres.message.backend.CommandComplete;
import io.hoop.engine.postgres.message.backend.DataRow;
import io.netty.buffer.ByteBufUtil;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class RawDataRowTest {
  private static final DataRow ROW =
      new DataRow(Arrays.asList("42".getBytes(StandardCharsets.UTF_8), null));

  @Test
  void dataRowsComeOutAsTheirOwnBytesInEveryChunking() {
    byte[] wire = Wires.bytes(ROW, new CommandComplete("SELECT 1"), ROW);
    for (int chunk = 1; chunk <= wire.length; chunk++) {
      List<Object> out =
          Wires.decode(
              new BackendDecoder(false, BackendDecoder.DEFAULT_MAX_MESSAGE_BYTES, true),
              wire,
              chunk);
      assertThat(out).hasSize(3);
      RawDataRow raw = (RawDataRow) out.get(0);
      try {
        assertThat(ByteBufUtil.getBytes(raw.frame())).isEqualTo(Wires.bytes(ROW));
        assertThat(raw.decode().fields()).hasSize(2);
        assertThat(raw.decode().fields().get(0)).isEqualTo("42".getBytes(StandardCharsets.UTF_8));
      } finally {
        raw.frame().release();
        ((RawDataRow) out.get(2)).frame().release();
      }
      assertThat(out.get(1)).isEqualTo(new CommandComplete("SELECT 1"));
    }
  }

  @Test
  void badLengthsAreLeftToTheFramingWhichReportsThem() {
    byte[] tooShort = {'D', 0, 0, 0, 4};
    List<Object> out =
        Wires.decode(
            new BackendDecoder(false, BackendDecoder.DEFAULT_MAX_MESSAGE_BYTES, true), tooShort, 5);
    assertThat(out).singleElement().isInstanceOf(DecodeFailure.class);
    byte[] huge = {'D', (byte) 0x80, 0, 0, 0};
    out = Wires.decode(new BackendDecoder(false, 1 << 20, true), huge, 5);
    assertThat(out).singleElement().isInstanceOf(DecodeFailure.class);
  }
}
