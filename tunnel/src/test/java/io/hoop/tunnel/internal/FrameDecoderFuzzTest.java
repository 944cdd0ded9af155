package io.hoop.tunnel.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.hoop.tunnel.protocol.CloseNotice;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;

/** Hostile frame streams, in hostile chunks: the decoder reports, it never throws or leaks. */
class FrameDecoderFuzzTest {
  @FuzzTest(maxDuration = "30s")
  void decoderReportsInsteadOfThrowing(FuzzedDataProvider data) {
    EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder());
    long fed = 0;
    long dataBytes = 0;
    boolean failed = false;
    while (data.remainingBytes() > 0) {
      byte[] chunk = data.consumeBytes(data.consumeInt(1, 64));
      fed += chunk.length;
      channel.writeInbound(Unpooled.wrappedBuffer(chunk));
      for (Object m; (m = channel.readInbound()) != null; ) {
        assertThat(failed).as("nothing is decoded after a framing error").isFalse();
        if (m instanceof ByteBuf buf) {
          dataBytes += buf.readableBytes();
          buf.release();
        } else if (m instanceof Frames.Malformed) {
          failed = true;
        } else {
          assertThat(m).isInstanceOfAny(Frames.Eof.class, Frames.Ping.class, CloseNotice.class);
        }
      }
    }
    assertThat(dataBytes).isLessThanOrEqualTo(fed);
    channel.finishAndReleaseAll();
  }
}
