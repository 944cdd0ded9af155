package io.hoop.engine.postgres.internal;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/** Reading and writing the primitive types of the PostgreSQL wire protocol. */
public final class Wire {
  private Wire() {}

  /** Reads a NUL-terminated UTF-8 string and moves past its terminator. */
  public static String readCString(ByteBuf in) {
    int start = in.readerIndex();
    int end = in.indexOf(start, in.writerIndex(), (byte) 0);
    if (end < 0) {
      throw new IllegalArgumentException(
          "string at offset " + start + " is not NUL-terminated within its message");
    }
    String s = in.toString(start, end - start, StandardCharsets.UTF_8);
    in.readerIndex(end + 1);
    return s;
  }

  /** Writes {@code s} as UTF-8 followed by a NUL; PostgreSQL strings cannot contain NUL. */
  public static void writeCString(ByteBuf out, String s) {
    if (s.indexOf('\0') >= 0) {
      throw new IllegalArgumentException(
          "string of " + s.length() + " chars contains NUL, which the protocol cannot carry");
    }
    out.writeCharSequence(s, StandardCharsets.UTF_8);
    out.writeByte(0);
  }

  /** Reads exactly {@code length} bytes into a new array. */
  public static byte[] readBytes(ByteBuf in, int length) {
    if (length < 0 || length > in.readableBytes()) {
      throw new IllegalArgumentException(
          "field declares " + length + " bytes but " + in.readableBytes() + " remain");
    }
    byte[] bytes = new byte[length];
    in.readBytes(bytes);
    return bytes;
  }

  /** Reads all remaining bytes into a new array. */
  public static byte[] readRemaining(ByteBuf in) {
    return readBytes(in, in.readableBytes());
  }

  /** Reads a non-negative int16 count. */
  public static int readCount(ByteBuf in, String what) {
    int n = in.readShort();
    if (n < 0) {
      throw new IllegalArgumentException(what + " count " + n + " is negative");
    }
    return n;
  }

  /** Writes a count as int16, refusing counts the protocol cannot carry. */
  public static void writeCount(ByteBuf out, int n, String what) {
    if (n > Short.MAX_VALUE) {
      throw new IllegalArgumentException(what + " count " + n + " exceeds " + Short.MAX_VALUE);
    }
    out.writeShort(n);
  }

  /** Writes a type byte and a placeholder length; returns the length's index for {@link #end}. */
  public static int begin(ByteBuf out, byte type) {
    out.writeByte(type);
    return beginUntyped(out);
  }

  /** Writes a placeholder length (startup-phase messages have no type byte). */
  public static int beginUntyped(ByteBuf out) {
    int at = out.writerIndex();
    out.writeInt(0);
    return at;
  }

  /** Fills in the length written by {@link #begin}: it counts itself and the body. */
  public static void end(ByteBuf out, int lengthIndex) {
    out.setInt(lengthIndex, out.writerIndex() - lengthIndex);
  }

  /** Fails when a decoded message has bytes left over, so malformed input is not half-read. */
  public static void requireConsumed(ByteBuf in, String message) {
    if (in.isReadable()) {
      throw new IllegalArgumentException(
          message + " has " + in.readableBytes() + " unexpected trailing bytes");
    }
  }
}
