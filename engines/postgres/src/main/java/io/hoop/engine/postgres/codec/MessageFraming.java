package io.hoop.engine.postgres.codec;

import io.hoop.engine.postgres.message.DecodeFailure;
import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.function.BiFunction;

/** Typed-message framing shared by both decoders: type byte, int32 length, body. */
final class MessageFraming {
  /** PostgreSQL itself refuses messages of 1 GiB and more; so do we. */
  static final int HARD_MAX_MESSAGE_BYTES = 1 << 30;

  private static final int HEADER_BYTES = 5;

  private MessageFraming() {}

  static int checkMax(int maxMessageBytes) {
    if (maxMessageBytes < 4 || maxMessageBytes > HARD_MAX_MESSAGE_BYTES) {
      throw new IllegalArgumentException(
          "maxMessageBytes is "
              + maxMessageBytes
              + ", expected 4.."
              + HARD_MAX_MESSAGE_BYTES
              + " (1 GiB)");
    }
    return maxMessageBytes;
  }

  /**
   * Decodes one message into {@code out} when a whole one is buffered.
   *
   * @return false when more input is needed or the input failed (a {@link DecodeFailure} was
   *     added); true when a message was added
   */
  static boolean decodeOne(
      ByteBuf in,
      List<Object> out,
      int maxMessageBytes,
      String direction,
      BiFunction<Byte, ByteBuf, Object> decoder) {
    if (in.readableBytes() < HEADER_BYTES) {
      return false;
    }
    int start = in.readerIndex();
    byte type = in.getByte(start);
    long length = in.getUnsignedInt(start + 1);
    if (length < 4) {
      out.add(
          new DecodeFailure(
              direction
                  + " message of type "
                  + describe(type)
                  + " declares length "
                  + length
                  + ", expected at least 4"));
      return false;
    }
    if (length > maxMessageBytes) {
      // Refused before anything is buffered, so a hostile 2 GB length costs nothing.
      out.add(
          new DecodeFailure(
              direction
                  + " message of type "
                  + describe(type)
                  + " declares "
                  + length
                  + " bytes, more than the maximum of "
                  + maxMessageBytes));
      return false;
    }
    if (in.readableBytes() < 1 + length) {
      return false;
    }
    in.skipBytes(HEADER_BYTES);
    ByteBuf body = in.readSlice((int) length - 4);
    try {
      out.add(decoder.apply(type, body));
      return true;
    } catch (RuntimeException e) {
      out.add(
          new DecodeFailure(
              "malformed " + direction + " message of type " + describe(type) + ": " + reason(e)));
      return false;
    }
  }

  static String describe(byte type) {
    return type >= 0x20 && type < 0x7f
        ? "'" + (char) type + "'"
        : "0x" + Integer.toHexString(type & 0xff);
  }

  static String reason(RuntimeException e) {
    if (e instanceof IndexOutOfBoundsException) {
      return "its fields run past the end of the message";
    }
    return e.getMessage();
  }
}
