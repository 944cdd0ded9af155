package io.hoop.engine.kubernetes.exec;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.hoop.engine.http.UpgradeTap.TapException;
import io.hoop.engine.ssh.bridge.BridgeEvent;
import io.hoop.tunnel.engine.EngineEvent;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;

/**
 * Fuzzes the exec recorder with arbitrary bytes in arbitrary splits on both directions, after a
 * valid opening so the fuzzer reaches the data paths: it follows or refuses ({@link TapException}
 * with a message), never fails otherwise, and reports exactly one step when closed.
 */
class ExecRecorderFuzzTest {
  private static final byte[] OPENING =
      new SpdyFrames()
          .syn(1, "streamtype", "error")
          .syn(3, "streamtype", "stdin")
          .syn(5, "streamtype", "stdout")
          .syn(7, "streamtype", "resize")
          .bytes();

  @FuzzTest(maxDuration = "30s")
  void followsOrRefuses(FuzzedDataProvider data) {
    List<EngineEvent> events = new ArrayList<>();
    List<BridgeEvent> cast = new ArrayList<>();
    ExecRecorder r =
        new ExecRecorder(
            new ExecRecorder.Session(
                "s-1",
                "exec",
                "ns",
                "web",
                List.of("sh"),
                data.consumeBoolean(),
                events::add,
                cast::add));
    boolean open = data.consumeBoolean();
    try {
      if (open) {
        r.fromClient(Unpooled.wrappedBuffer(OPENING));
      }
      while (data.remainingBytes() > 0) {
        boolean client = data.consumeBoolean();
        byte[] piece = data.consumeBytes(data.consumeInt(1, 4096));
        if (client) {
          r.fromClient(Unpooled.wrappedBuffer(piece));
        } else {
          r.fromTarget(Unpooled.wrappedBuffer(piece));
        }
      }
    } catch (TapException e) {
      assertThat(e.getMessage()).isNotBlank();
    }
    r.closed("");
    assertThat(events).hasSize(1);
  }
}
