package io.hoop.engine.kubernetes.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hoop.engine.http.UpgradeTap.TapException;
import io.hoop.engine.ssh.bridge.BridgeEvent;
import io.hoop.tunnel.engine.EngineEvent;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The recorder on real SPDY/3.1 bytes: what goes to the recording and the step, and the streams it
 * refuses to follow (each one a cut, never an unrecorded session).
 */
class ExecRecorderTest {
  private final List<EngineEvent> events = new ArrayList<>();
  private final List<BridgeEvent> cast = new ArrayList<>();

  private ExecRecorder recorder(boolean tty) {
    return new ExecRecorder(
        new ExecRecorder.Session(
            "s-1", "exec", "prod", "web", List.of("sh", "-c", "ls"), tty, events::add, cast::add));
  }

  private static SpdyFrames client() {
    return new SpdyFrames()
        .syn(1, "streamtype", "error")
        .syn(3, "streamtype", "stdin")
        .syn(5, "streamtype", "stdout")
        .syn(7, "streamtype", "resize");
  }

  @Test
  void outputInputResizeAndExitCodeOfATerminalSession() throws Exception {
    ExecRecorder r = recorder(true);
    r.fromClient(
        Unpooled.wrappedBuffer(
            client()
                .data(7, "{\"Width\":120,\"Height\":40}", false)
                .data(3, "ls\r", false)
                .bytes()));
    r.fromTarget(
        Unpooled.wrappedBuffer(
            new SpdyFrames()
                .data(5, "ls\r\nfile\r\n", false)
                .data(
                    1,
                    "{\"metadata\":{},\"status\":\"Failure\",\"reason\":\"NonZeroExitCode\","
                        + "\"details\":{\"causes\":[{\"reason\":\"ExitCode\",\"message\":\"2\"}]}}",
                    false)
                .data(1, "", true)
                .bytes()));
    r.closed("");
    assertThat(cast).hasAtLeastOneElementOfType(BridgeEvent.Resized.class);
    BridgeEvent.Resized size =
        (BridgeEvent.Resized)
            cast.stream().filter(e -> e instanceof BridgeEvent.Resized).findFirst().orElseThrow();
    assertThat(size.columns()).isEqualTo(120);
    assertThat(size.rows()).isEqualTo(40);
    assertThat(
            cast.stream()
                .filter(e -> e instanceof BridgeEvent.Input)
                .map(e -> new String(((BridgeEvent.Input) e).data(), StandardCharsets.UTF_8)))
        .containsExactly("ls\r");
    assertThat(
            cast.stream()
                .filter(e -> e instanceof BridgeEvent.Output)
                .map(e -> new String(((BridgeEvent.Output) e).data(), StandardCharsets.UTF_8)))
        .containsExactly("ls\r\nfile\r\n");
    assertThat(cast.get(cast.size() - 1)).isInstanceOf(BridgeEvent.Closed.class);
    KubeExecStep step = (KubeExecStep) events.get(0);
    assertThat(step.exitCode()).isEqualTo(2);
    assertThat(step.tty()).isTrue();
    assertThat(step.recorded()).isTrue();
    assertThat(step.error()).isEmpty();
    assertThat(step.operation()).isEqualTo("exec web -n prod -t: 'sh' '-c' 'ls'");
    assertThat(step.statement(1).commandTag()).startsWith("exit 2");
  }

  @Test
  void withoutATerminalInputIsNotRecorded() throws Exception {
    ExecRecorder r = recorder(false);
    r.fromClient(Unpooled.wrappedBuffer(client().data(3, "password123\n", true).bytes()));
    r.fromTarget(
        Unpooled.wrappedBuffer(new SpdyFrames().data(1, "{\"status\":\"Success\"}", true).bytes()));
    r.closed("");
    assertThat(cast).noneMatch(e -> e instanceof BridgeEvent.Input);
    assertThat(((KubeExecStep) events.get(0)).exitCode()).isZero();
  }

  @Test
  void streamsTheApiServerWouldReadOtherwiseAreRefused() {
    List<SpdyFrames> hostile =
        List.of(
            // a second stdout: the API server keeps the last, hoop would record the first
            new SpdyFrames().syn(1, "streamtype", "stdout").syn(3, "streamtype", "stdout"),
            // a type the API server does not know
            new SpdyFrames().syn(1, "streamtype", "stdout2"),
            // two values: Go's Get reads the first, a reader could take the other
            new SpdyFrames().syn(1, "streamtype", "stdin\0stdout"),
            // no type
            new SpdyFrames().syn(1, "other", "x"),
            // data on a stream never opened
            new SpdyFrames().data(9, "x", false));
    for (SpdyFrames f : hostile) {
      ExecRecorder r = recorder(true);
      assertThatThrownBy(() -> r.fromClient(Unpooled.wrappedBuffer(f.bytes())))
          .isInstanceOf(TapException.class);
      r.closed("");
    }
    assertThat(events)
        .hasSize(hostile.size())
        .allSatisfy(e -> assertThat(((KubeExecStep) e).error()).startsWith("cut: "));
  }

  @Test
  void theServerMayNotWriteOnStreamsTheClientDidNotOpen() throws Exception {
    ExecRecorder r = recorder(false);
    r.fromClient(Unpooled.wrappedBuffer(client().bytes()));
    assertThatThrownBy(
            () ->
                r.fromTarget(
                    Unpooled.wrappedBuffer(new SpdyFrames().data(11, "hidden", false).bytes())))
        .isInstanceOf(TapException.class)
        .hasMessageContaining("never opened");
    assertThat(cast).noneMatch(e -> e instanceof BridgeEvent.Output);
  }

  @Test
  void theFarewellIsAStatusFrameOnTheErrorStreamOnlyAtAFrameBoundary() throws Exception {
    ExecRecorder r = recorder(false);
    r.fromClient(Unpooled.wrappedBuffer(client().bytes()));
    byte[] output = new SpdyFrames().data(5, "partial output", false).bytes();
    r.fromTarget(Unpooled.wrappedBuffer(output, 0, output.length - 3));
    // mid-frame: a frame of hoop's would land inside the server's
    assertThat(r.farewell(io.netty.buffer.ByteBufAllocator.DEFAULT, "revoked")).isNull();
    r.fromTarget(Unpooled.wrappedBuffer(output, output.length - 3, 3));
    io.netty.buffer.ByteBuf frame =
        r.farewell(io.netty.buffer.ByteBufAllocator.DEFAULT, "grant \"g-1\" was revoked");
    assertThat(frame).isNotNull();
    // what the client reads: a DATA frame with FIN on stream 1 (error) holding the Status
    List<String> got = new ArrayList<>();
    try (SpdyStreamReader client =
        new SpdyStreamReader(
            new SpdyStreamReader.Frames() {
              @Override
              public void opened(int id, java.util.Map<String, List<String>> h) {}

              @Override
              public void data(int id, io.netty.buffer.ByteBuf d, boolean fin) {
                got.add(id + " " + fin + " " + d.toString(StandardCharsets.UTF_8));
              }

              @Override
              public void reset(int id) {}
            },
            false)) {
      client.feed(frame);
    }
    frame.release();
    assertThat(got)
        .singleElement()
        .satisfies(
            g ->
                assertThat(g)
                    .startsWith("1 true {\"kind\":\"Status\"")
                    .contains("\"status\":\"Failure\"", "grant \\\"g-1\\\" was revoked"));
    // once the server ended its error stream, nothing more is said on it
    r.fromTarget(Unpooled.wrappedBuffer(new SpdyFrames().data(1, "{}", true).bytes()));
    assertThat(r.farewell(io.netty.buffer.ByteBufAllocator.DEFAULT, "x")).isNull();
  }

  @Test
  void aSessionTheBrokerEndsSaysWhy() throws Exception {
    ExecRecorder r = recorder(false);
    r.fromClient(Unpooled.wrappedBuffer(client().bytes()));
    r.closed("grant g-1 was revoked");
    r.closed("again");
    assertThat(events).hasSize(1);
    assertThat(((KubeExecStep) events.get(0)).error()).isEqualTo("cut: grant g-1 was revoked");
    assertThat(((KubeExecStep) events.get(0)).exitCode()).isNull();
  }
}
