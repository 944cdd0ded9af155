package io.hoop.cli.postgres;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads backend messages from a byte stream: a type byte, a length that counts itself, a body.
 * Every count and length is checked against what is left before anything is allocated, and a
 * message larger than the limit is refused, so malformed bytes end in a {@link PgProtocolException}
 * and never in another exception or an allocation the stream did not pay for.
 */
public final class BackendDecoder {
  /** The default largest message: a DataRow of a few wide values, not a runaway. */
  public static final int DEFAULT_MAX_MESSAGE_BYTES = 256 * 1024 * 1024;

  private final InputStream in;
  private final int maxMessageBytes;

  public BackendDecoder(InputStream in, int maxMessageBytes) {
    this.in = java.util.Objects.requireNonNull(in, "in");
    if (maxMessageBytes < 5) {
      throw new IllegalArgumentException("maxMessageBytes " + maxMessageBytes + " must be >= 5");
    }
    this.maxMessageBytes = maxMessageBytes;
  }

  /**
   * The next message.
   *
   * @throws EOFException when the stream ends before a whole message
   * @throws PgProtocolException when the bytes are not a message this client can read
   */
  public BackendMessage read() throws IOException, PgProtocolException {
    int type = in.read();
    if (type < 0) {
      throw new EOFException("the broker closed the connection");
    }
    byte[] header = in.readNBytes(4);
    if (header.length < 4) {
      throw new EOFException("the broker closed the connection inside a message");
    }
    int length =
        ((header[0] & 0xff) << 24)
            | ((header[1] & 0xff) << 16)
            | ((header[2] & 0xff) << 8)
            | (header[3] & 0xff);
    if (length < 4 || length > maxMessageBytes - 1) {
      throw new PgProtocolException(
          "message '"
              + printable(type)
              + "' declares length "
              + Integer.toUnsignedString(length)
              + ", expected 4.."
              + (maxMessageBytes - 1));
    }
    byte[] body = readBody(length - 4);
    return decode((char) type, body);
  }

  /** Reads in steps, so a declared length the stream never delivers allocates little. */
  private byte[] readBody(int size) throws IOException {
    if (size <= 64 * 1024) {
      byte[] body = in.readNBytes(size);
      if (body.length < size) {
        throw new EOFException("the broker closed the connection inside a message");
      }
      return body;
    }
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(64 * 1024);
    byte[] chunk = new byte[64 * 1024];
    int left = size;
    while (left > 0) {
      int n = in.read(chunk, 0, Math.min(chunk.length, left));
      if (n < 0) {
        throw new EOFException("the broker closed the connection inside a message");
      }
      out.write(chunk, 0, n);
      left -= n;
    }
    return out.toByteArray();
  }

  /** Decodes one message body; pure, for tests and the fuzzer. */
  public static BackendMessage decode(char type, byte[] body) throws PgProtocolException {
    Body b = new Body(type, body);
    BackendMessage m =
        switch (type) {
          case 'R' -> authentication(b);
          case 'S' -> new BackendMessage.ParameterStatus(b.string(), b.string());
          case 'K' -> new BackendMessage.BackendKeyData(b.int32(), keyOf(b));
          case 'Z' -> new BackendMessage.ReadyForQuery(status(b.byte1()));
          case 'T' -> rowDescription(b);
          case 'D' -> dataRow(b);
          case 'C' -> new BackendMessage.CommandComplete(b.string());
          case 'I' -> new BackendMessage.EmptyQueryResponse();
          case 'E', 'N' -> notice(type == 'E', b);
          case 'G', 'H', 'W' -> copyResponse(type, b);
          case 'd' -> new BackendMessage.CopyData(b.rest());
          case 'c' -> new BackendMessage.CopyDone();
          case 'A' -> new BackendMessage.Notification(b.int32(), b.string(), b.string());
          case 'v' -> negotiate(b);
          default -> {
            b.rest();
            yield new BackendMessage.Other(type, body.length + 4);
          }
        };
    b.end();
    return m;
  }

  private static BackendMessage authentication(Body b) throws PgProtocolException {
    int code = b.int32();
    // SASL and GSS requests carry data this client never answers; it only reads the code.
    b.rest();
    return new BackendMessage.Authentication(code);
  }

  private static byte[] keyOf(Body b) throws PgProtocolException {
    byte[] key = b.rest();
    if (key.length < 4 || key.length > 256) {
      throw b.error("a secret key of " + key.length + " bytes, expected 4..256");
    }
    return key;
  }

  private static char status(int status) throws PgProtocolException {
    if (status != 'I' && status != 'T' && status != 'E') {
      throw new PgProtocolException(
          "ReadyForQuery status " + printable(status) + ", expected I, T or E");
    }
    return (char) status;
  }

  private static BackendMessage rowDescription(Body b) throws PgProtocolException {
    int n = b.count(19);
    List<BackendMessage.Column> columns = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      String name = b.string();
      int table = b.int32();
      b.int16();
      int type = b.int32();
      b.int16();
      b.int32();
      int format = b.int16();
      columns.add(new BackendMessage.Column(name, table, type, format));
    }
    return new BackendMessage.RowDescription(Collections.unmodifiableList(columns));
  }

  private static BackendMessage dataRow(Body b) throws PgProtocolException {
    int n = b.count(4);
    List<byte[]> values = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int len = b.int32();
      if (len == -1) {
        values.add(null);
      } else if (len < 0) {
        throw b.error("value " + (i + 1) + " of length " + len);
      } else {
        values.add(b.bytes(len));
      }
    }
    return new BackendMessage.DataRow(Collections.unmodifiableList(values));
  }

  private static BackendMessage notice(boolean error, Body b) throws PgProtocolException {
    Map<Character, String> fields = new LinkedHashMap<>();
    for (int code = b.byte1(); code != 0; code = b.byte1()) {
      fields.put((char) code, b.string());
    }
    return new BackendMessage.Notice(error, Collections.unmodifiableMap(fields));
  }

  private static BackendMessage copyResponse(char type, Body b) throws PgProtocolException {
    int format = b.byte1();
    int n = b.count(2);
    for (int i = 0; i < n; i++) {
      b.int16();
    }
    return new BackendMessage.CopyResponse(type, format, n);
  }

  private static BackendMessage negotiate(Body b) throws PgProtocolException {
    int minor = b.int32();
    int n = b.int32();
    if (n < 0 || n > b.left()) {
      throw b.error(n + " options in " + b.left() + " bytes");
    }
    List<String> options = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      options.add(b.string());
    }
    return new BackendMessage.NegotiateProtocolVersion(minor, List.copyOf(options));
  }

  static String printable(int c) {
    return c >= 0x21 && c < 0x7f ? String.valueOf((char) c) : String.format("0x%02x", c);
  }

  /** A cursor over one body; every read checks what is left. */
  private static final class Body {
    private final char type;
    private final byte[] bytes;
    private int at;

    Body(char type, byte[] bytes) {
      this.type = type;
      this.bytes = bytes;
    }

    int left() {
      return bytes.length - at;
    }

    PgProtocolException error(String what) {
      return new PgProtocolException(
          "malformed message '" + printable(type) + "' (" + bytes.length + " bytes): " + what);
    }

    private void need(int n) throws PgProtocolException {
      if (n > left()) {
        throw error("needs " + n + " more bytes at offset " + at + ", has " + left());
      }
    }

    int byte1() throws PgProtocolException {
      need(1);
      return bytes[at++] & 0xff;
    }

    int int16() throws PgProtocolException {
      need(2);
      int v = ((bytes[at] & 0xff) << 8) | (bytes[at + 1] & 0xff);
      at += 2;
      return (short) v;
    }

    int int32() throws PgProtocolException {
      need(4);
      int v =
          ((bytes[at] & 0xff) << 24)
              | ((bytes[at + 1] & 0xff) << 16)
              | ((bytes[at + 2] & 0xff) << 8)
              | (bytes[at + 3] & 0xff);
      at += 4;
      return v;
    }

    /** A 16-bit count of items of at least {@code minItemBytes} each that must fit what is left. */
    int count(int minItemBytes) throws PgProtocolException {
      int n = int16();
      if (n < 0 || (long) n * minItemBytes > left()) {
        throw error("a count of " + n + " items in " + left() + " bytes");
      }
      return n;
    }

    byte[] bytes(int n) throws PgProtocolException {
      need(n);
      byte[] out = java.util.Arrays.copyOfRange(bytes, at, at + n);
      at += n;
      return out;
    }

    String string() throws PgProtocolException {
      for (int i = at; i < bytes.length; i++) {
        if (bytes[i] == 0) {
          String s = new String(bytes, at, i - at, StandardCharsets.UTF_8);
          at = i + 1;
          return s;
        }
      }
      throw error("a string without its terminating zero at offset " + at);
    }

    byte[] rest() {
      byte[] out = java.util.Arrays.copyOfRange(bytes, at, bytes.length);
      at = bytes.length;
      return out;
    }

    void end() throws PgProtocolException {
      if (at != bytes.length) {
        throw error((bytes.length - at) + " bytes left over");
      }
    }
  }
}
