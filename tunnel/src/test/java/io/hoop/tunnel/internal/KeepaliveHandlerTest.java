package io.hoop.tunnel.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoop.tunnel.protocol.HandshakeReply;
import io.hoop.tunnel.protocol.Keepalive;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The keepalive state machine on an embedded channel with a frozen clock. */
class KeepaliveHandlerTest {
  private static final Keepalive KEEPALIVE =
      new Keepalive(Duration.ofSeconds(1), Duration.ofSeconds(3));

  private final List<Long> reports = new ArrayList<>();
  private EmbeddedChannel channel;

  @BeforeEach
  void start() {
    channel = new EmbeddedChannel();
    channel.freezeTime();
    channel.config().setAutoRead(false);
    channel.pipeline().addLast(new KeepaliveHandler(KEEPALIVE, reports::add));
  }

  @AfterEach
  void stop() {
    channel.finishAndReleaseAll();
  }

  @Test
  void defaultCutsASilentPeerWithinThirtySeconds() {
    assertThat(Keepalive.DEFAULT.interval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(Keepalive.DEFAULT.deadPeerTimeout()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void aPeerSilentWhileAReadIsWaitingIsReportedAtTheDeadlineNotLater() {
    channel.read();
    advance(2_999);
    assertThat(reports).isEmpty();
    assertThat(pingsWritten()).isEqualTo(2);
    advance(1);
    assertThat(reports).containsExactly(3_000L);
    // Reported once, and no more PINGs to a peer given up on.
    advance(10_000);
    assertThat(reports).hasSize(1);
    assertThat(pingsWritten()).isZero();
  }

  @Test
  void anyFrameRestartsTheWaitAndIsPassedOn() {
    channel.read();
    advance(2_500);
    ByteBuf data = Unpooled.wrappedBuffer(new byte[] {1});
    channel.writeInbound(data);
    ByteBuf passed = channel.readInbound();
    assertThat(passed).isSameAs(data);
    passed.release();
    channel.read();
    advance(2_999);
    assertThat(reports).isEmpty();
    advance(1);
    assertThat(reports).containsExactly(3_000L);
  }

  @Test
  void pingsAreSwallowedAndKeepThePeerAlive() {
    for (int i = 0; i < 10; i++) {
      channel.read();
      advance(2_000);
      channel.writeInbound(Frames.Ping.INSTANCE);
      assertThat(channel.<Object>readInbound()).isNull();
    }
    assertThat(reports).isEmpty();
    assertThat(pingsWritten()).isEqualTo(20);
  }

  @Test
  void notReadingBecauseOfBackpressureIsNotDeath() {
    // No read() requested: the relay is waiting for the other side to drain.
    advance(60_000);
    assertThat(reports).isEmpty();
    assertThat(pingsWritten()).isEqualTo(60);
    // The wait starts with the next read, not with the last frame.
    channel.read();
    advance(2_999);
    assertThat(reports).isEmpty();
    advance(1);
    assertThat(reports).hasSize(1);
  }

  @Test
  void aClosedChannelStopsTheTimer() {
    channel.read();
    channel.close();
    advance(60_000);
    assertThat(reports).isEmpty();
    assertThat(pingsWritten()).isZero();
  }

  @Test
  void keepaliveRefusesATimeoutShorterThanTwoIntervals() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> new Keepalive(Duration.ofSeconds(10), Duration.ofSeconds(15)))
        .hasMessageContaining("PT15S")
        .hasMessageContaining("twice");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> new Keepalive(Duration.ofMillis(1), Duration.ofSeconds(15)))
        .hasMessageContaining("at least");
  }

  @Test
  void theClientFollowsOnlyASaneKeepaliveFromTheBroker() {
    // A broker older than keepalives names none: the client sends and expects nothing.
    assertThat(Keepalive.fromReply(new HandshakeReply(true, "s", "g", "t", null, null))).isNull();
    // Values no broker would validate (a flood of PINGs, a timeout under two intervals): ignored.
    assertThat(reply(1, 1_000)).isNull();
    assertThat(reply(1_000, 1_500)).isNull();
    assertThat(reply(-5, 30_000)).isNull();
    assertThat(reply(10_000, 30_000)).isEqualTo(Keepalive.DEFAULT);
  }

  private static Keepalive reply(long keepaliveMillis, long deadPeerMillis) {
    return Keepalive.fromReply(
        new HandshakeReply(true, "s", "g", "t", null, null, keepaliveMillis, deadPeerMillis));
  }

  private void advance(long millis) {
    // In small steps, as real time passes: each step runs what fell due.
    for (long done = 0; done < millis; done += 1) {
      channel.advanceTimeBy(1, TimeUnit.MILLISECONDS);
      channel.runScheduledPendingTasks();
    }
    channel.runPendingTasks();
  }

  private int pingsWritten() {
    int pings = 0;
    for (Object out; (out = channel.readOutbound()) != null; ) {
      assertThat(out).isEqualTo(Frames.Ping.INSTANCE);
      pings++;
    }
    return pings;
  }
}
