package io.hoop.tunnel.mux;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Frames in, frames out; every hostile header is refused from the header alone. */
class MuxDecoderTest {
  private static ByteBuf header(int type, int stream, int length) {
    return Unpooled.buffer().writeByte(type).writeInt(stream).writeInt(length);
  }

  private static List<Object> decode(ByteBuf... chunks) {
    EmbeddedChannel ch = new EmbeddedChannel(new MuxDecoder());
    for (ByteBuf c : chunks) {
      ch.writeInbound(c);
    }
    List<Object> out = new ArrayList<>();
    for (Object m; (m = ch.readInbound()) != null; ) {
      out.add(m);
    }
    ch.finishAndReleaseAll();
    return out;
  }

  @Test
  void roundTripsThroughTheEncoderOneByteAtATime() {
    EmbeddedChannel enc = new EmbeddedChannel(MuxEncoder.INSTANCE);
    enc.writeOutbound(MuxFrame.text(MuxFrame.OPEN, 3, "db"));
    enc.writeOutbound(MuxFrame.credit(3, 4096));
    enc.writeOutbound(MuxFrame.empty(MuxFrame.PING, 0));
    enc.writeOutbound(
        new MuxFrame(
            MuxFrame.DATA, 3, Unpooled.wrappedBuffer("hello".getBytes(StandardCharsets.UTF_8))));
    ByteBuf all = Unpooled.buffer();
    for (ByteBuf b; (b = enc.readOutbound()) != null; ) {
      all.writeBytes(b);
      b.release();
    }
    EmbeddedChannel dec = new EmbeddedChannel(new MuxDecoder());
    while (all.isReadable()) {
      dec.writeInbound(all.readRetainedSlice(1));
    }
    all.release();
    MuxFrame open = dec.readInbound();
    assertThat(open.type()).isEqualTo(MuxFrame.OPEN);
    assertThat(open.stream()).isEqualTo(3);
    assertThat(open.text()).isEqualTo("db");
    open.release();
    MuxFrame credit = dec.readInbound();
    assertThat(credit.payload().getInt(0)).isEqualTo(4096);
    credit.release();
    MuxFrame ping = dec.readInbound();
    assertThat(ping.type()).isEqualTo(MuxFrame.PING);
    ping.release();
    MuxFrame data = dec.readInbound();
    assertThat(data.text()).isEqualTo("hello");
    data.release();
    assertThat(dec.finishAndReleaseAll()).isFalse();
  }

  @ParameterizedTest(name = "{3}")
  @CsvSource({
    "6, 1, 32769, DATA over 32 KiB",
    "6, 1, 0, empty DATA",
    "6, 0, 10, DATA on stream 0",
    "7, 1, 5, CREDIT of 5 bytes",
    "7, 1, 3, CREDIT of 3 bytes",
    "4, 1, 257, OPEN with a 257-byte name",
    "9, 1, 1025, RESET with a long reason",
    "10, 1, 0, PING on a stream",
    "10, 0, 1, PING with a payload",
    "5, 1, 1, OPENED with a payload",
    "8, 1, 4, FIN with a payload",
    "1, 0, 65537, HELLO over 64 KiB",
    "1, 7, 10, HELLO on a stream",
    "2, 0, -1, negative length",
    "2, 0, 2147483647, 2 GiB length",
    "6, -5, 1, negative stream",
    "99, 0, 65537, unknown type over 64 KiB",
    "4, 0, 2, OPEN on stream 0",
  })
  void refusesHostileHeadersWithoutReadingTheirPayload(
      int type, int stream, int length, String what) {
    List<Object> out = decode(header(type, stream, length), Unpooled.wrappedBuffer(new byte[64]));
    assertThat(out).as(what).hasSize(1);
    assertThat(out.get(0)).isInstanceOf(MuxDecoder.Malformed.class);
    assertThat(((MuxDecoder.Malformed) out.get(0)).reason()).contains("frame");
  }

  @Test
  void dropsEverythingAfterAViolation() {
    ByteBuf good = header(MuxFrame.PING, 0, 0);
    List<Object> out =
        decode(header(MuxFrame.CREDIT, 1, 9), Unpooled.wrappedBuffer(new byte[9]), good);
    assertThat(out).hasSize(1).first().isInstanceOf(MuxDecoder.Malformed.class);
  }

  @Test
  void skipsUnknownTypesOfBoundedSize() {
    ByteBuf unknown = header(42, 0, 3).writeBytes(new byte[3]);
    List<Object> out = decode(unknown, header(MuxFrame.PING, 0, 0));
    assertThat(out).hasSize(1);
    MuxFrame ping = (MuxFrame) out.get(0);
    assertThat(ping.type()).isEqualTo(MuxFrame.PING);
    ping.release();
  }

  @Test
  void controlJsonIsReadBackAndBadJsonIsNamed() {
    MuxFrame hello =
        AgentProtocol.json(MuxFrame.HELLO, new AgentHello("eu1", "secret-token", 1, 0));
    AgentHello back = AgentProtocol.read(hello, AgentHello.class);
    assertThat(back.name()).isEqualTo("eu1");
    assertThat(back.toString()).doesNotContain("secret-token");
    hello.release();
    MuxFrame bad = MuxFrame.text(MuxFrame.HELLO, 0, "{not json");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> AgentProtocol.read(bad, AgentHello.class))
        .hasMessageContaining("HELLO is not a AgentHello JSON object");
    bad.release();
  }

  @Test
  void anAgentsStreamLimitIsHonouredWithinBoundsAndAnOlderAgentGetsTheDefault() {
    MuxFrame old =
        MuxFrame.text(MuxFrame.HELLO, 0, "{\"name\":\"eu1\",\"token\":\"t\",\"version\":1}");
    AgentHello before = AgentProtocol.read(old, AgentHello.class);
    old.release();
    assertThat(before.acceptedStreams()).isEqualTo(AgentProtocol.DEFAULT_MAX_STREAMS);
    assertThat(new AgentHello("eu1", "t", 1, 10_000).acceptedStreams()).isEqualTo(10_000);
    assertThat(new AgentHello("eu1", "t", 1, -5).acceptedStreams())
        .isEqualTo(AgentProtocol.DEFAULT_MAX_STREAMS);
    assertThat(new AgentHello("eu1", "t", 1, Integer.MAX_VALUE).acceptedStreams())
        .as("a hostile or broken agent cannot make the broker open unbounded streams")
        .isEqualTo(AgentProtocol.MAX_STREAMS_LIMIT);
    int w = AgentProtocol.DEFAULT_WINDOW;
    assertThat(AgentProtocol.windowFor(w, 1024)).isEqualTo(w);
    assertThat(AgentProtocol.windowFor(w, 2048)).isEqualTo(128 * 1024);
    assertThat(AgentProtocol.windowFor(w, AgentProtocol.MAX_STREAMS_LIMIT))
        .as("what one agent can make the broker buffer stays bounded: 512 MiB at the limit")
        .isEqualTo(AgentProtocol.MIN_WINDOW);
    assertThat(AgentProtocol.windowFor(64 * 1024, 1)).isEqualTo(64 * 1024);
  }
}
