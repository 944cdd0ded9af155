package io.hoop.tunnel.mux;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;

/**
 * Hostile agent-protocol streams, in hostile chunks: the decoder reports, never throws or leaks.
 */
class MuxDecoderFuzzTest {
  @FuzzTest(maxDuration = "30s")
  void decoderReportsInsteadOfThrowing(FuzzedDataProvider data) {
    EmbeddedChannel channel = new EmbeddedChannel(new MuxDecoder());
    long fed = 0;
    long payload = 0;
    boolean failed = false;
    while (data.remainingBytes() > 0) {
      byte[] chunk = data.consumeBytes(data.consumeInt(1, 64));
      fed += chunk.length;
      channel.writeInbound(Unpooled.wrappedBuffer(chunk));
      for (Object m; (m = channel.readInbound()) != null; ) {
        assertThat(failed).as("nothing is decoded after a framing error").isFalse();
        if (m instanceof MuxFrame frame) {
          assertThat(frame.payload().readableBytes())
              .isLessThanOrEqualTo(MuxFrame.maxPayload(frame.type()));
          assertThat(MuxFrame.connectionLevel(frame.type())).isEqualTo(frame.stream() == 0);
          payload += frame.payload().readableBytes();
          frame.release();
        } else {
          assertThat(m).isInstanceOf(MuxDecoder.Malformed.class);
          failed = true;
        }
      }
    }
    assertThat(payload).isLessThanOrEqualTo(fed);
    channel.finishAndReleaseAll();
  }
}
