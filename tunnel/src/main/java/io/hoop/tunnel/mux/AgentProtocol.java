package io.hoop.tunnel.mux;

import io.hoop.api.Json;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Constants and the JSON of the agent protocol: an agent opens TLS to the broker's one port and
 * sends {@link #MAGIC}, then {@link MuxFrame}s.
 */
public final class AgentProtocol {
  /** The first four bytes an agent sends after TLS: {@code HOPA}. */
  public static final byte[] MAGIC = {'H', 'O', 'P', 'A'};

  /** Protocol version of this build. */
  public static final int VERSION = 1;

  /** Default per-stream window in each direction. */
  public static final int DEFAULT_WINDOW = 256 * 1024;

  /** Default number of open streams one agent connection may carry. */
  public static final int DEFAULT_MAX_STREAMS = 1024;

  /** The most streams an agent may ask for; more targets' connections call for more agents. */
  public static final int MAX_STREAMS_LIMIT = 16_384;

  /** What all of one connection's windows may add up to, in each direction. */
  public static final long MAX_BUFFERED = 256L * 1024 * 1024;

  /** The smallest window a connection with many streams gets. */
  public static final int MIN_WINDOW = 32 * 1024;

  /**
   * The per-stream window for a connection carrying up to {@code streams} streams: {@code window},
   * lowered so that the windows add up to at most {@link #MAX_BUFFERED} (a peer that fills every
   * stream while its readers stall makes the receiver buffer that much), but never below {@link
   * #MIN_WINDOW}. 1,024 streams keep 256 KiB; 16,384 get 32 KiB (512 MiB at most).
   */
  public static int windowFor(int window, int streams) {
    long share = MAX_BUFFERED / Math.max(1, streams);
    return (int) Math.min(window, Math.max(MIN_WINDOW, share));
  }

  /** How long an agent has to send HELLO, and to be answered. */
  public static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

  private AgentProtocol() {}

  /** A control frame carrying {@code value} as JSON. */
  public static MuxFrame json(byte type, Object value) {
    try {
      byte[] bytes = Json.mapper().writeValueAsBytes(value);
      if (bytes.length > MuxFrame.MAX_CONTROL) {
        throw new IllegalArgumentException(
            MuxFrame.name(type)
                + " is "
                + bytes.length
                + " bytes; expected at most "
                + MuxFrame.MAX_CONTROL);
      }
      return new MuxFrame(type, 0, Unpooled.wrappedBuffer(bytes));
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot write " + MuxFrame.name(type), e);
    }
  }

  /**
   * Reads a control frame's JSON as {@code type}.
   *
   * @throws IllegalArgumentException naming the frame when it is not that JSON
   */
  public static <T> T read(MuxFrame frame, Class<T> type) {
    ByteBuf p = frame.payload();
    try {
      T value =
          Json.mapper()
              .readValue(
                  p.toString(p.readerIndex(), p.readableBytes(), StandardCharsets.UTF_8), type);
      if (value == null) {
        throw new IllegalArgumentException(MuxFrame.name(frame.type()) + " is empty");
      }
      return value;
    } catch (IOException e) {
      throw new IllegalArgumentException(
          MuxFrame.name(frame.type()) + " is not a " + type.getSimpleName() + " JSON object");
    }
  }
}
