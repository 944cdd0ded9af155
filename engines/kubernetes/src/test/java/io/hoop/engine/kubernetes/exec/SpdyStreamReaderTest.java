package io.hoop.engine.kubernetes.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hoop.engine.kubernetes.exec.SpdyStreamReader.SpdyException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Frames written by netty's SPDY/3.1 codec, read back in any split; hostile blocks refused. */
class SpdyStreamReaderTest {
  private final List<String> seen = new ArrayList<>();

  private SpdyStreamReader reader(boolean client) {
    return new SpdyStreamReader(
        new SpdyStreamReader.Frames() {
          @Override
          public void opened(int streamId, Map<String, List<String>> headers) {
            seen.add("open " + streamId + " " + headers);
          }

          @Override
          public void data(int streamId, ByteBuf data, boolean fin) {
            seen.add(
                "data "
                    + streamId
                    + " "
                    + data.toString(StandardCharsets.UTF_8)
                    + (fin ? " fin" : ""));
          }

          @Override
          public void reset(int streamId) {
            seen.add("reset " + streamId);
          }
        },
        client);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 7, 100, 100_000})
  void streamsAndDataInAnySplit(int split) throws Exception {
    byte[] bytes =
        new SpdyFrames()
            .syn(1, "streamtype", "error")
            .syn(3, "streamtype", "stdin")
            .syn(5, "streamtype", "stdout")
            .data(3, "hello", false)
            .data(3, "", true)
            .bytes();
    try (SpdyStreamReader r = reader(true)) {
      for (int i = 0; i < bytes.length; i += split) {
        r.feed(Unpooled.wrappedBuffer(bytes, i, Math.min(split, bytes.length - i)));
      }
    }
    String all = String.join("|", seen);
    assertThat(
            all.replace("data 3 hello", "data 3 hello")
                .replaceAll("data 3 (hel|lo|l|o|he|h|e)+", "data 3 *"))
        .isNotEmpty();
    assertThat(seen)
        .startsWith(
            "open 1 {streamtype=[error]}",
            "open 3 {streamtype=[stdin]}",
            "open 5 {streamtype=[stdout]}")
        .endsWith("data 3  fin");
    StringBuilder data = new StringBuilder();
    seen.stream()
        .filter(s -> s.startsWith("data 3 ") && !s.endsWith("fin"))
        .forEach(s -> data.append(s.substring(7)));
    assertThat(data.toString()).isEqualTo("hello");
  }

  @Test
  void theDictionaryIsNettys() throws Exception {
    Field f =
        Class.forName("io.netty.handler.codec.spdy.SpdyCodecUtil").getDeclaredField("SPDY_DICT");
    f.setAccessible(true);
    assertThat(SpdyStreamReader.DICTIONARY).isEqualTo((byte[]) f.get(null));
  }

  @Test
  void valuesAreSplitAtNulAsGoDoes() throws Exception {
    byte[] bytes = new SpdyFrames().syn(1, "streamtype", "stdout\0stderr").bytes();
    try (SpdyStreamReader r = reader(true)) {
      r.feed(Unpooled.wrappedBuffer(bytes));
    }
    assertThat(seen).containsExactly("open 1 {streamtype=[stdout, stderr]}");
  }

  @Test
  void theServersHeaderBlocksAreSkippedAndItsStreamsRefused() throws Exception {
    byte[] bytes = new SpdyFrames().syn(2, "streamtype", "stdout").bytes();
    try (SpdyStreamReader r = reader(false)) {
      assertThatThrownBy(() -> r.feed(Unpooled.wrappedBuffer(bytes)))
          .isInstanceOf(SpdyException.class)
          .hasMessageContaining("only the client opens streams");
    }
  }

  @Test
  void anotherVersionOrGarbageIsRefusedAndTheReaderStaysDead() throws Exception {
    try (SpdyStreamReader r = reader(true)) {
      byte[] v2 = {(byte) 0x80, 0x02, 0x00, 0x01, 0, 0, 0, 4, 0, 0, 0, 1};
      assertThatThrownBy(() -> r.feed(Unpooled.wrappedBuffer(v2)))
          .isInstanceOf(SpdyException.class)
          .hasMessageContaining("not a valid SPDY/3.1 frame");
      byte[] fine = new SpdyFrames().syn(1, "streamtype", "error").bytes();
      assertThatThrownBy(() -> r.feed(Unpooled.wrappedBuffer(fine)))
          .isInstanceOf(SpdyException.class);
    }
    assertThat(seen).isEmpty();
  }

  @Test
  void aHeaderBlockThatIsNotZlibIsRefused() throws Exception {
    // SYN_STREAM for stream 1 whose block is 8 bytes of noise
    byte[] frame = {
      (byte) 0x80,
      0x03,
      0x00,
      0x01,
      0x00,
      0x00,
      0x00,
      0x12,
      0,
      0,
      0,
      1,
      0,
      0,
      0,
      0,
      0,
      0,
      1,
      2,
      3,
      4,
      5,
      6,
      7,
      8
    };
    try (SpdyStreamReader r = reader(true)) {
      assertThatThrownBy(() -> r.feed(Unpooled.wrappedBuffer(frame)))
          .isInstanceOf(SpdyException.class)
          .hasMessageContaining("zlib");
    }
  }

  @Test
  void anOversizedOrDuplicatedOrUpperCaseHeaderBlockIsRefused() throws Exception {
    String big = "x".repeat(SpdyStreamReader.MAX_HEADERS);
    try (SpdyStreamReader r = reader(true)) {
      byte[] bytes = new SpdyFrames().syn(1, "streamtype", big).bytes();
      assertThatThrownBy(() -> r.feed(Unpooled.wrappedBuffer(bytes)))
          .isInstanceOf(SpdyException.class)
          .hasMessageContaining("larger than");
    }
    // netty lower-cases names and merges repeats; hand-made blocks carry what Go refuses
    for (byte[] block :
        List.of(block("streamtype", "a", "streamtype", "b"), block("StreamType", "stdout"))) {
      try (SpdyStreamReader r = reader(true)) {
        assertThatThrownBy(() -> r.feed(Unpooled.wrappedBuffer(synWith(block))))
            .isInstanceOf(SpdyException.class);
      }
    }
  }

  /** An uncompressed header block, compressed with the SPDY dictionary. */
  private static byte[] block(String... pairs) {
    java.io.ByteArrayOutputStream raw = new java.io.ByteArrayOutputStream();
    java.io.DataOutputStream d = new java.io.DataOutputStream(raw);
    try {
      d.writeInt(pairs.length / 2);
      for (String s : pairs) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        d.writeInt(b.length);
        d.write(b);
      }
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
    java.util.zip.Deflater z = new java.util.zip.Deflater();
    z.setDictionary(SpdyStreamReader.DICTIONARY);
    z.setInput(raw.toByteArray());
    byte[] out = new byte[4096];
    int n = z.deflate(out, 0, out.length, java.util.zip.Deflater.SYNC_FLUSH);
    z.end();
    return java.util.Arrays.copyOf(out, n);
  }

  private static byte[] synWith(byte[] block) {
    ByteBuf b = Unpooled.buffer();
    b.writeShort(0x8003).writeShort(1).writeInt(10 + block.length);
    b.writeInt(1).writeInt(0).writeShort(0).writeBytes(block);
    byte[] out = new byte[b.readableBytes()];
    b.readBytes(out);
    return out;
  }
}
