package io.hoop.cli.audit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads UTF-8 lines from a stream, never holding more than {@code maxBytes} of one line, so a
 * hostile file cannot exhaust memory.
 */
final class LineReader {
  /** What {@link #next} found. */
  enum Kind {
    LINE,
    TOO_LONG,
    NOT_UTF8,
    EOF
  }

  private final InputStream in;
  private final int maxBytes;
  private final byte[] buf = new byte[64 * 1024];
  private int pos;
  private int limit;
  private byte[] line = new byte[1024];
  private int length;
  private String text;
  private boolean endedWithNewline = true;

  LineReader(InputStream in, int maxBytes) {
    this.in = in;
    this.maxBytes = maxBytes;
  }

  /** Reads the next line (without its {@code \n}); {@link #text} holds it when LINE. */
  Kind next() throws IOException {
    length = 0;
    boolean any = false;
    while (true) {
      if (pos == limit) {
        limit = in.read(buf);
        pos = 0;
        if (limit <= 0) {
          limit = 0;
          if (!any) {
            return Kind.EOF;
          }
          endedWithNewline = false;
          return decode();
        }
      }
      any = true;
      byte b = buf[pos++];
      if (b == '\n') {
        return decode();
      }
      if (length == maxBytes) {
        return Kind.TOO_LONG;
      }
      if (length == line.length) {
        line = Arrays.copyOf(line, Math.min(maxBytes, line.length * 2));
      }
      line[length++] = b;
    }
  }

  private Kind decode() {
    int n = length > 0 && line[length - 1] == '\r' ? length - 1 : length;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(line, 0, n))
              .toString();
      return Kind.LINE;
    } catch (CharacterCodingException e) {
      return Kind.NOT_UTF8;
    }
  }

  String text() {
    return text;
  }

  /** False if the last line read had no final {@code \n} (a file cut short, typically). */
  boolean endedWithNewline() {
    return endedWithNewline;
  }
}
