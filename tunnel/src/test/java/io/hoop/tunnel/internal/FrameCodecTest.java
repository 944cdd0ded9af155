package io.hoop.tunnel.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoop.tunnel.protocol.CloseNotice;
import io.hoop.tunnel.protocol.TunnelProtocol;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class FrameCodecTest {
  @Test
  void dataLargerThanAFrameIsSplitAndReassembled() {
    byte[] payload = new byte[TunnelProtocol.MAX_FRAME_BYTES * 2 + 10];
    Arrays.fill(payload, (byte) 5);
    ByteBuf wire = encode(Unpooled.wrappedBuffer(payload));
    EmbeddedChannel decoder = new EmbeddedChannel(new FrameDecoder());
    decoder.writeInbound(wire);
    int total = 0;
    int frames = 0;
    for (Object msg; (msg = decoder.readInbound()) != null; ) {
      ByteBuf data = (ByteBuf) msg;
      assertThat(data.readableBytes()).isLessThanOrEqualTo(TunnelProtocol.MAX_FRAME_BYTES);
      total += data.readableBytes();
      frames++;
      data.release();
    }
    assertThat(total).isEqualTo(payload.length);
    assertThat(frames).isEqualTo(3);
    assertThat(decoder.finish()).isFalse();
  }

  @Test
  void eofCloseAndUnknownTypes() {
    ByteBuf wire = Unpooled.buffer();
    wire.writeBytes(encode(Frames.Eof.INSTANCE));
    wire.writeByte(99).writeInt(3).writeBytes(new byte[] {1, 2, 3}); // future frame type
    wire.writeBytes(encode(new CloseNotice("grant_expired", "grant g for t expired")));
    EmbeddedChannel decoder = new EmbeddedChannel(new FrameDecoder());
    // Byte by byte: the decoder must wait for whole frames.
    while (wire.isReadable()) {
      decoder.writeInbound(wire.readRetainedSlice(1));
    }
    wire.release();
    assertThat(decoder.<Object>readInbound()).isEqualTo(Frames.Eof.INSTANCE);
    assertThat(decoder.<Object>readInbound())
        .isEqualTo(new CloseNotice("grant_expired", "grant g for t expired"));
    assertThat(decoder.<Object>readInbound()).isNull();
    decoder.finishAndReleaseAll();
  }

  @Test
  void oversizedFrameIsReportedOnceAndInputDiscarded() {
    EmbeddedChannel decoder = new EmbeddedChannel(new FrameDecoder());
    decoder.writeInbound(
        Unpooled.buffer()
            .writeByte(TunnelProtocol.FRAME_DATA)
            .writeInt(TunnelProtocol.MAX_FRAME_BYTES + 1));
    Frames.Malformed malformed = decoder.readInbound();
    assertThat(malformed.message()).contains(String.valueOf(TunnelProtocol.MAX_FRAME_BYTES + 1));
    decoder.writeInbound(Unpooled.buffer().writeByte(TunnelProtocol.FRAME_EOF).writeInt(0));
    assertThat(decoder.<Object>readInbound()).isNull();
    decoder.finishAndReleaseAll();
  }

  @Test
  void closeWithBrokenJsonIsMalformed() {
    EmbeddedChannel decoder = new EmbeddedChannel(new FrameDecoder());
    decoder.writeInbound(
        Unpooled.buffer()
            .writeByte(TunnelProtocol.FRAME_CLOSE)
            .writeInt(2)
            .writeBytes(new byte[] {'{', 'x'}));
    assertThat(decoder.<Object>readInbound()).isInstanceOf(Frames.Malformed.class);
    decoder.finishAndReleaseAll();
  }

  @Test
  void pingRoundTripsAsAnEmptyFrame() {
    ByteBuf wire = encode(Frames.Ping.INSTANCE);
    assertThat(wire.readableBytes()).isEqualTo(5);
    assertThat(wire.getByte(0)).isEqualTo(TunnelProtocol.FRAME_PING);
    assertThat(wire.getInt(1)).isZero();
    EmbeddedChannel decoder = new EmbeddedChannel(new FrameDecoder());
    // Split mid-header, between DATA frames: a PING is only seen whole.
    ByteBuf stream = Unpooled.buffer();
    stream.writeBytes(encode(Unpooled.wrappedBuffer(new byte[] {7})));
    stream.writeBytes(wire);
    stream.writeBytes(encode(Unpooled.wrappedBuffer(new byte[] {8})));
    wire.release();
    while (stream.isReadable()) {
      decoder.writeInbound(stream.readRetainedSlice(Math.min(3, stream.readableBytes())));
    }
    stream.release();
    ByteBuf first = decoder.readInbound();
    assertThat(first.readByte()).isEqualTo((byte) 7);
    first.release();
    assertThat(decoder.<Object>readInbound()).isEqualTo(Frames.Ping.INSTANCE);
    ByteBuf last = decoder.readInbound();
    assertThat(last.readByte()).isEqualTo((byte) 8);
    last.release();
    assertThat(decoder.finish()).isFalse();
  }

  @Test
  void pingWithAPayloadIsMalformedWhateverItsSize() {
    for (long length : new long[] {1, 8, 65_536, TunnelProtocol.MAX_FRAME_BYTES, 0xFFFF_FFFFL}) {
      EmbeddedChannel decoder = new EmbeddedChannel(new FrameDecoder());
      ByteBuf wire = Unpooled.buffer().writeByte(TunnelProtocol.FRAME_PING).writeInt((int) length);
      if (length <= 65_536) {
        wire.writeZero((int) length);
      }
      decoder.writeInbound(wire);
      Object first = decoder.readInbound();
      assertThat(first).as("PING of %d bytes", length).isInstanceOf(Frames.Malformed.class);
      assertThat(((Frames.Malformed) first).message()).contains(String.valueOf(length));
      // Nothing after a framing error is decoded, not even a well-formed PING.
      decoder.writeInbound(encode(Frames.Ping.INSTANCE));
      assertThat(decoder.<Object>readInbound()).isNull();
      decoder.finishAndReleaseAll();
    }
  }

  @Test
  void aFloodOfPingsDecodesToPingsOnly() {
    ByteBuf wire = Unpooled.buffer();
    for (int i = 0; i < 10_000; i++) {
      wire.writeByte(TunnelProtocol.FRAME_PING).writeInt(0);
    }
    EmbeddedChannel decoder = new EmbeddedChannel(new FrameDecoder());
    decoder.writeInbound(wire);
    int pings = 0;
    for (Object msg; (msg = decoder.readInbound()) != null; ) {
      assertThat(msg).isEqualTo(Frames.Ping.INSTANCE);
      pings++;
    }
    assertThat(pings).isEqualTo(10_000);
    assertThat(decoder.finish()).isFalse();
  }

  private static ByteBuf encode(Object msg) {
    EmbeddedChannel encoder = new EmbeddedChannel(new TunnelEncoder());
    encoder.writeOutbound(msg);
    ByteBuf wire = Unpooled.buffer();
    for (Object out; (out = encoder.readOutbound()) != null; ) {
      ByteBuf buf = (ByteBuf) out;
      wire.writeBytes(buf);
      buf.release();
    }
    encoder.finish();
    return wire;
  }
}
