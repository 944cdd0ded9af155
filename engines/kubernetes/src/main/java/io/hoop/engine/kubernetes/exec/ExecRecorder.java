package io.hoop.engine.kubernetes.exec;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.hoop.engine.http.UpgradeTap;
import io.hoop.engine.kubernetes.exec.SpdyStreamReader.SpdyException;
import io.hoop.engine.ssh.bridge.BridgeEvent;
import io.hoop.engine.ssh.bridge.BridgeListener;
import io.hoop.tunnel.engine.EngineListener;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Follows one exec or attach session (remotecommand over SPDY/3.1) on the proxy's relay and records
 * it like an ssh session: the client's SYN_STREAMs say which stream is which ({@code streamType}
 * error, stdin, stdout, stderr, resize, as the API server reads them); stdout and stderr become the
 * output of an asciicast recording, stdin its input only with a terminal ({@code tty}; the writer
 * keeps only what the terminal echoed), resize messages its size; the error stream's {@code Status}
 * gives the exit code. When the relay ends, a {@link KubeExecStep} goes to the session's listener.
 *
 * <p>Fails closed: a frame that cannot be read, a stream type the API server does not know or gets
 * twice, or data from the server on a stream the client never opened throws, and the proxy cuts the
 * session. Memory is bounded: DATA is handed on in pieces, the status and resize texts are cut at
 * {@value #MAX_TEXT} bytes.
 */
public final class ExecRecorder implements UpgradeTap {
  static final int MAX_TEXT = 4096;
  private static final Set<String> TYPES = Set.of("error", "stdin", "stdout", "stderr", "resize");
  private static final Pattern EXIT =
      Pattern.compile("\"reason\"\\s*:\\s*\"ExitCode\"\\s*,\\s*\"message\"\\s*:\\s*\"(\\d{1,9})\"");
  private static final Pattern SUCCESS = Pattern.compile("\"status\"\\s*:\\s*\"Success\"");
  private static final Pattern SIZE =
      Pattern.compile(
          "\\{\\s*\"Width\"\\s*:\\s*(\\d{1,5})\\s*,\\s*\"Height\"\\s*:\\s*(\\d{1,5})\\s*\\}");

  /** Who the session is and where it goes. */
  public record Session(
      String sessionId,
      String kind,
      String namespace,
      String pod,
      List<String> command,
      boolean tty,
      EngineListener listener,
      BridgeListener cast) {
    public Session {
      requireNonNull(sessionId, "sessionId");
      requireNonNull(kind, "kind");
      requireNonNull(namespace, "namespace");
      requireNonNull(pod, "pod");
      command = List.copyOf(requireNonNull(command, "command"));
      requireNonNull(listener, "listener");
    }
  }

  private final Session session;
  private final Instant startedAt = Instant.now();
  private final long startNanos = System.nanoTime();
  private final SpdyStreamReader fromClient;
  private final SpdyStreamReader fromTarget;
  private final Map<Integer, String> types = new HashMap<>();
  private final StringBuilder status = new StringBuilder();
  private final StringBuilder resize = new StringBuilder();
  private long bytesIn;
  private long bytesOut;
  private String error = "";
  private boolean closed;
  private boolean errorEnded;

  public ExecRecorder(Session session) {
    this.session = requireNonNull(session, "session");
    this.fromClient = new SpdyStreamReader(new ClientFrames(), true);
    this.fromTarget = new SpdyStreamReader(new TargetFrames(), false);
  }

  @Override
  public void fromClient(ByteBuf data) throws TapException {
    feed(fromClient, data);
  }

  @Override
  public void fromTarget(ByteBuf data) throws TapException {
    feed(fromTarget, data);
  }

  private void feed(SpdyStreamReader reader, ByteBuf data) throws TapException {
    try {
      reader.feed(data);
    } catch (SpdyException e) {
      error = "cut: " + e.getMessage();
      throw new TapException(e.getMessage());
    }
  }

  /**
   * The v4 {@code Status} on the error stream, as a DATA frame that ends it, when the server's
   * direction is at a frame boundary and its error stream still open: kubectl prints the message
   * (naming the grant) instead of a bare connection error.
   */
  @Override
  public ByteBuf farewell(ByteBufAllocator alloc, String message) {
    Integer error = null;
    for (Map.Entry<Integer, String> e : types.entrySet()) {
      if (e.getValue().equals("error")) {
        error = e.getKey();
      }
    }
    if (error == null || errorEnded || !fromTarget.atFrameBoundary()) {
      return null;
    }
    byte[] status =
        ("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
                + "\"message\":\""
                + new String(JsonStringEncoder.getInstance().quoteAsString(message))
                + "\",\"reason\":\"Forbidden\",\"code\":403}")
            .getBytes(StandardCharsets.UTF_8);
    ByteBuf frame = alloc.buffer(8 + status.length);
    frame.writeInt(error & 0x7fffffff);
    frame.writeByte(0x01); // FLAG_FIN
    frame.writeMedium(status.length);
    frame.writeBytes(status);
    return frame;
  }

  @Override
  public void closed(String reason) {
    if (closed) {
      return;
    }
    closed = true;
    fromClient.close();
    fromTarget.close();
    if (error.isEmpty() && reason != null && !reason.isEmpty()) {
      error = "cut: " + reason;
    }
    cast(new BridgeEvent.Closed(session.sessionId(), error.isEmpty() ? "ended" : error));
    session
        .listener()
        .onEvent(
            new KubeExecStep(
                startedAt,
                (System.nanoTime() - startNanos) / 1000,
                session.kind(),
                session.namespace(),
                session.pod(),
                session.command(),
                session.tty(),
                exitCode(),
                bytesIn,
                bytesOut,
                session.cast() != null,
                error));
  }

  private Integer exitCode() {
    String s = status.toString();
    if (SUCCESS.matcher(s).find()) {
      return 0;
    }
    Matcher m = EXIT.matcher(s);
    return m.find() ? Integer.valueOf(m.group(1)) : null;
  }

  private void cast(BridgeEvent event) {
    if (session.cast() != null) {
      session.cast().onEvent(event);
    }
  }

  private static byte[] bytes(ByteBuf data) {
    byte[] b = new byte[data.readableBytes()];
    data.getBytes(data.readerIndex(), b);
    return b;
  }

  private static void append(StringBuilder text, ByteBuf data) {
    int room = MAX_TEXT - text.length();
    if (room > 0) {
      int n = Math.min(room, data.readableBytes());
      text.append(data.toString(data.readerIndex(), n, StandardCharsets.UTF_8));
    }
  }

  private final class ClientFrames implements SpdyStreamReader.Frames {
    @Override
    public void opened(int streamId, Map<String, List<String>> headers) throws SpdyException {
      // the API server reads the first value of streamType (Go's canonical header key)
      List<String> values = headers.get("streamtype");
      if (values == null || values.size() != 1) {
        throw new SpdyException("stream " + streamId + " has no single streamType");
      }
      String type = values.get(0);
      if (!TYPES.contains(type)) {
        throw new SpdyException(
            "stream "
                + streamId
                + " has the streamType '"
                + type.substring(0, Math.min(type.length(), 32)).toLowerCase(Locale.ROOT)
                + "', which exec does not have");
      }
      if (types.containsValue(type)) {
        throw new SpdyException("a second " + type + " stream was opened");
      }
      if (types.containsKey(streamId)) {
        throw new SpdyException("stream " + streamId + " was opened twice");
      }
      types.put(streamId, type);
    }

    @Override
    public void data(int streamId, ByteBuf data, boolean fin) throws SpdyException {
      String type = types.get(streamId);
      bytesIn += data.readableBytes();
      if (type == null) {
        throw new SpdyException("the client sent data on stream " + streamId + ", never opened");
      }
      if (!data.isReadable()) {
        return;
      }
      if (type.equals("stdin") && session.tty()) {
        cast(new BridgeEvent.Input(session.sessionId(), 0, System.nanoTime(), bytes(data)));
      } else if (type.equals("resize")) {
        append(resize, data);
        Matcher m = SIZE.matcher(resize);
        int end = 0;
        while (m.find()) {
          cast(
              new BridgeEvent.Resized(
                  session.sessionId(),
                  0,
                  Integer.parseInt(m.group(1)),
                  Integer.parseInt(m.group(2))));
          end = m.end();
        }
        resize.delete(0, end);
        if (resize.length() >= MAX_TEXT) {
          resize.setLength(0);
        }
      }
    }

    @Override
    public void reset(int streamId) {}
  }

  private final class TargetFrames implements SpdyStreamReader.Frames {
    @Override
    public void opened(int streamId, Map<String, List<String>> headers) throws SpdyException {
      throw new SpdyException("the server opened stream " + streamId);
    }

    @Override
    public void data(int streamId, ByteBuf data, boolean fin) throws SpdyException {
      String type = types.get(streamId);
      bytesOut += data.readableBytes();
      if (type == null) {
        throw new SpdyException(
            "the server sent data on stream " + streamId + ", which the client never opened");
      }
      if (fin && type.equals("error")) {
        errorEnded = true;
      }
      if (!data.isReadable()) {
        return;
      }
      switch (type) {
        case "stdout", "stderr" ->
            cast(new BridgeEvent.Output(session.sessionId(), 0, System.nanoTime(), bytes(data)));
        case "error" -> append(status, data);
        default -> {
          // the server writes nothing else; what it might is not shown to the user either
        }
      }
    }

    @Override
    public void reset(int streamId) {}
  }
}
