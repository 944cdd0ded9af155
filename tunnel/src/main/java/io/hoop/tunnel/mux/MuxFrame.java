package io.hoop.tunnel.mux;

import static java.util.Objects.requireNonNull;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.util.ReferenceCounted;
import java.nio.charset.StandardCharsets;

/**
 * One frame of the agent protocol: {@code u8 type | u32 stream | u32 length | payload}. Stream 0
 * carries the connection's own frames (HELLO, WELCOME, REFUSED, PING); every other frame belongs to
 * one stream. Every type has a maximum payload, checked by {@link MuxDecoder} before any byte of
 * the payload is read.
 *
 * @param type one of the type constants
 * @param stream the stream id, 0 for the connection
 * @param payload the payload, owned by the frame (release it)
 */
public record MuxFrame(byte type, int stream, ByteBuf payload) implements ReferenceCounted {
  /** Agent to broker, first frame: JSON {@link AgentHello}. */
  public static final byte HELLO = 1;

  /** Broker to agent, answer to HELLO: JSON {@link AgentWelcome}. */
  public static final byte WELCOME = 2;

  /** Broker to agent, answer to HELLO: JSON {@link AgentRefusal}; the connection then closes. */
  public static final byte REFUSED = 3;

  /** Broker to agent: open a stream to the named assigned target (UTF-8 target name). */
  public static final byte OPEN = 4;

  /** Agent to broker: the stream's target connection is up (empty). */
  public static final byte OPENED = 5;

  /** Bytes of a stream, within the receiver's credit. */
  public static final byte DATA = 6;

  /** u32: the receiver of this frame may send that many more DATA bytes on the stream. */
  public static final byte CREDIT = 7;

  /** The sender closed the stream normally (empty); the stream ends both ways. */
  public static final byte FIN = 8;

  /** The stream failed (UTF-8 reason, no secrets); the stream ends both ways. */
  public static final byte RESET = 9;

  /** Liveness, stream 0, empty. */
  public static final byte PING = 10;

  /**
   * The sender sends no more DATA on the stream but still reads (empty): a half-close, what a
   * client's EOF is. The receiver shuts its socket's output once what it got is written; the stream
   * ends with the FIN or RESET that follows. An agent older than this frame skips it.
   */
  public static final byte SHUT = 11;

  /** Header bytes before the payload. */
  public static final int HEADER = 9;

  /** Largest DATA payload. */
  public static final int MAX_DATA = 32 * 1024;

  /** Largest HELLO / WELCOME / REFUSED payload. */
  public static final int MAX_CONTROL = 64 * 1024;

  /** Largest OPEN payload (a target name). */
  public static final int MAX_OPEN = 256;

  /** Largest RESET payload (a reason). */
  public static final int MAX_REASON = 1024;

  /** Largest payload of a type this version does not know (skipped). */
  public static final int MAX_UNKNOWN = 64 * 1024;

  public MuxFrame {
    requireNonNull(payload, "payload");
    if (stream < 0) {
      throw new IllegalArgumentException("stream " + stream + " must not be negative");
    }
  }

  /** The largest payload a frame of {@code type} may have. */
  static int maxPayload(byte type) {
    return switch (type) {
      case HELLO, WELCOME, REFUSED -> MAX_CONTROL;
      case OPEN -> MAX_OPEN;
      case RESET -> MAX_REASON;
      case DATA -> MAX_DATA;
      case CREDIT -> 4;
      case OPENED, FIN, PING, SHUT -> 0;
      default -> MAX_UNKNOWN;
    };
  }

  /** Whether {@code type} is a frame of the connection (stream 0) rather than of one stream. */
  static boolean connectionLevel(byte type) {
    return type == HELLO || type == WELCOME || type == REFUSED || type == PING;
  }

  /** Whether this version knows {@code type}. */
  static boolean known(byte type) {
    return type >= HELLO && type <= SHUT;
  }

  /** An empty frame. */
  public static MuxFrame empty(byte type, int stream) {
    return new MuxFrame(type, stream, Unpooled.EMPTY_BUFFER);
  }

  /** A frame with a UTF-8 text payload, cut to the type's maximum. */
  public static MuxFrame text(byte type, int stream, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    int max = maxPayload(type);
    return new MuxFrame(
        type, stream, Unpooled.wrappedBuffer(bytes, 0, Math.min(bytes.length, max)));
  }

  /** A CREDIT frame granting {@code bytes}. */
  public static MuxFrame credit(int stream, int bytes) {
    return new MuxFrame(CREDIT, stream, Unpooled.buffer(4).writeInt(bytes));
  }

  /** The payload as UTF-8 text (invalid sequences replaced). */
  public String text() {
    return payload.toString(StandardCharsets.UTF_8);
  }

  /** Writes the frame into a new buffer (the header; the payload follows as a composite). */
  ByteBuf header(ByteBufAllocator alloc) {
    return alloc.buffer(HEADER).writeByte(type).writeInt(stream).writeInt(payload.readableBytes());
  }

  /** A readable name of a type for errors. */
  static String name(byte type) {
    return switch (type) {
      case HELLO -> "HELLO";
      case WELCOME -> "WELCOME";
      case REFUSED -> "REFUSED";
      case OPEN -> "OPEN";
      case OPENED -> "OPENED";
      case DATA -> "DATA";
      case CREDIT -> "CREDIT";
      case FIN -> "FIN";
      case RESET -> "RESET";
      case PING -> "PING";
      case SHUT -> "SHUT";
      default -> "type " + (type & 0xff);
    };
  }

  @Override
  public int refCnt() {
    return payload.refCnt();
  }

  @Override
  public MuxFrame retain() {
    payload.retain();
    return this;
  }

  @Override
  public MuxFrame retain(int increment) {
    payload.retain(increment);
    return this;
  }

  @Override
  public MuxFrame touch() {
    payload.touch();
    return this;
  }

  @Override
  public MuxFrame touch(Object hint) {
    payload.touch(hint);
    return this;
  }

  @Override
  public boolean release() {
    return payload.release();
  }

  @Override
  public boolean release(int decrement) {
    return payload.release(decrement);
  }

  @Override
  public String toString() {
    return "MuxFrame[" + name(type) + ", stream=" + stream + ", " + payload.readableBytes() + "B]";
  }
}
