package io.hoop.asciicast;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Decodes a byte stream that arrives in chunks as UTF-8: a sequence split across two chunks is held
 * until its end arrives (at most 3 bytes); invalid bytes become U+FFFD.
 */
final class Utf8Stream {
  private final CharsetDecoder decoder =
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPLACE)
          .onUnmappableCharacter(CodingErrorAction.REPLACE);
  private final byte[] pending = new byte[4];
  private int pendingLength;

  /** The text of {@code data[off, off+len)}, with any incomplete trailing sequence held back. */
  String decode(byte[] data, int off, int len) {
    ByteBuffer in = ByteBuffer.allocate(pendingLength + len);
    in.put(pending, 0, pendingLength).put(data, off, len).flip();
    CharBuffer out = CharBuffer.allocate(in.remaining() + 1);
    decoder.decode(in, out, false);
    pendingLength = in.remaining();
    in.get(pending, 0, pendingLength);
    return out.flip().toString();
  }

  /** Whatever is held back, as replacement characters (the stream ended mid-sequence). */
  String finish() {
    ByteBuffer in = ByteBuffer.wrap(pending, 0, pendingLength);
    CharBuffer out = CharBuffer.allocate(8);
    decoder.decode(in, out, true);
    decoder.flush(out);
    decoder.reset();
    pendingLength = 0;
    return out.flip().toString();
  }

  /** Drops what is held back. */
  void discard() {
    pendingLength = 0;
    decoder.reset();
  }
}
