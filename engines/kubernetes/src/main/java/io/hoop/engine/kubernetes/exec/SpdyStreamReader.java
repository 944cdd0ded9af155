package io.hoop.engine.kubernetes.exec;

import static java.util.Objects.requireNonNull;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.spdy.SpdyFrameDecoder;
import io.netty.handler.codec.spdy.SpdyFrameDecoderDelegate;
import io.netty.handler.codec.spdy.SpdyVersion;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Reads one direction of a SPDY/3.1 connection as the relay passes it, in any split, in bounded
 * memory (a partial frame piece of at most {@value #MAX_CHUNK} bytes is kept): frames are parsed by
 * netty's {@link SpdyFrameDecoder} (DATA payloads arrive in chunks of at most {@value #MAX_CHUNK}
 * bytes, never whole); header blocks are inflated here with the SPDY/3 dictionary (one zlib stream
 * per direction, so every block of the direction is inflated, in order) and read as Go's framer
 * reads them: lower-case names, no name twice, values split at NUL. A block larger than {@value
 * #MAX_HEADERS} bytes inflated, a frame netty refuses, or a header block Go would refuse is a
 * {@link SpdyException}: the reader is then dead and the stream must be cut. Not thread-safe;
 * {@link #close()} frees the inflater.
 */
public final class SpdyStreamReader implements AutoCloseable {
  /** The largest inflated header block. */
  public static final int MAX_HEADERS = 16 * 1024;

  /** The largest piece of a DATA frame handed on at once. */
  public static final int MAX_CHUNK = 8 * 1024;

  private static final int MAX_PAIRS = 64;

  /** What the reader found, in order. */
  public interface Frames {
    /** A stream opened by this direction's sender (SYN_STREAM) with its headers. */
    void opened(int streamId, Map<String, List<String>> headers) throws SpdyException;

    /** A piece of a DATA frame; {@code fin} on the stream's last. */
    void data(int streamId, ByteBuf data, boolean fin) throws SpdyException;

    /** A stream was reset (RST_STREAM). */
    void reset(int streamId) throws SpdyException;
  }

  /** The stream cannot be read (a malformed frame, an oversized or invalid header block). */
  public static final class SpdyException extends Exception {
    private static final long serialVersionUID = 1L;

    public SpdyException(String message) {
      super(message);
    }
  }

  private final Frames frames;
  private final boolean inflate;
  private final SpdyFrameDecoder decoder;
  private final Inflater inflater = new Inflater();
  // netty's decoder reads what it can and leaves a partial frame head or DATA piece (at most
  // MAX_CHUNK bytes) for the next call, as its ByteToMessageDecoder would
  private final ByteBuf pending = Unpooled.buffer(256);
  private final byte[] scratch = new byte[4096];
  private final byte[] block = new byte[MAX_HEADERS];
  private int blockLength;
  private int synStream = -1;
  private SpdyException failure;
  // frame boundaries, counted apart from the decoder: where bytes of the broker's own may go
  private int headRead;
  private final byte[] head = new byte[8];
  private long frameLeft;
  private boolean closed;

  /**
   * @param client whether this is the client's direction, whose SYN_STREAMs name the streams (its
   *     header blocks are read); in the server's direction header blocks are skipped unread and a
   *     SYN_STREAM (a server push, which kubelets never send) is refused
   */
  public SpdyStreamReader(Frames frames, boolean client) {
    this.frames = requireNonNull(frames, "frames");
    this.inflate = client;
    this.decoder = new SpdyFrameDecoder(SpdyVersion.SPDY_3_1, new Delegate(), MAX_CHUNK);
  }

  /** Reads {@code data} (its reader index moves); throws once the stream cannot be read. */
  public void feed(ByteBuf data) throws SpdyException {
    if (failure != null) {
      throw failure;
    }
    if (closed) {
      throw new SpdyException("the reader is closed");
    }
    count(data);
    pending.writeBytes(data);
    decoder.decode(pending);
    pending.discardReadBytes();
    if (failure == null && pending.readableBytes() > MAX_CHUNK + 64) {
      fail("a frame piece of " + pending.readableBytes() + " bytes was not read");
    }
    if (failure != null) {
      pending.clear();
      throw failure;
    }
  }

  /** Whether everything fed so far ends at a frame's end (nothing is cut mid-frame). */
  public boolean atFrameBoundary() {
    return failure == null && headRead == 0 && frameLeft == 0;
  }

  private void count(ByteBuf data) {
    int i = data.readerIndex();
    int end = data.writerIndex();
    while (i < end) {
      if (frameLeft > 0) {
        int n = (int) Math.min(frameLeft, end - i);
        i += n;
        frameLeft -= n;
        continue;
      }
      head[headRead++] = data.getByte(i++);
      if (headRead == 8) {
        headRead = 0;
        frameLeft = ((head[5] & 0xffL) << 16) | ((head[6] & 0xffL) << 8) | (head[7] & 0xffL);
      }
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    inflater.end();
    pending.release();
  }

  private void fail(String message) {
    if (failure == null) {
      failure = new SpdyException(message);
    }
  }

  private final class Delegate implements SpdyFrameDecoderDelegate {
    @Override
    public void readDataFrame(int streamId, boolean last, ByteBuf data) {
      try {
        if (failure == null) {
          frames.data(streamId, data, last);
        }
      } catch (SpdyException e) {
        fail(e.getMessage());
      } finally {
        data.release();
      }
    }

    @Override
    public void readSynStreamFrame(
        int streamId,
        int associatedToStreamId,
        byte priority,
        boolean last,
        boolean unidirectional) {
      if (!inflate) {
        fail("the server opened stream " + streamId + "; only the client opens streams");
      }
      synStream = streamId;
      blockLength = 0;
    }

    @Override
    public void readSynReplyFrame(int streamId, boolean last) {
      synStream = -1;
      blockLength = 0;
    }

    @Override
    public void readRstStreamFrame(int streamId, int statusCode) {
      try {
        if (failure == null) {
          frames.reset(streamId);
        }
      } catch (SpdyException e) {
        fail(e.getMessage());
      }
    }

    @Override
    public void readSettingsFrame(boolean clearPersisted) {}

    @Override
    public void readSetting(int id, int value, boolean persistValue, boolean persisted) {}

    @Override
    public void readSettingsEnd() {}

    @Override
    public void readPingFrame(int id) {}

    @Override
    public void readGoAwayFrame(int lastGoodStreamId, int statusCode) {}

    @Override
    public void readHeadersFrame(int streamId, boolean last) {
      synStream = -1;
      blockLength = 0;
    }

    @Override
    public void readWindowUpdateFrame(int streamId, int deltaWindowSize) {}

    @Override
    public void readHeaderBlock(ByteBuf headerBlock) {
      try {
        if (inflate && failure == null) {
          inflate(headerBlock);
        }
      } finally {
        headerBlock.release();
      }
    }

    @Override
    public void readHeaderBlockEnd() {
      if (!inflate || failure != null) {
        return;
      }
      int id = synStream;
      synStream = -1;
      Map<String, List<String>> headers = parse(block, blockLength);
      blockLength = 0;
      if (headers == null || id < 0) {
        return;
      }
      try {
        frames.opened(id, headers);
      } catch (SpdyException e) {
        fail(e.getMessage());
      }
    }

    @Override
    public void readFrameError(String message) {
      fail("not a valid SPDY/3.1 frame: " + message);
    }

    @Override
    public void readUnknownFrame(int frameType, byte flags, ByteBuf payload) {
      payload.release();
    }
  }

  private void inflate(ByteBuf compressed) {
    byte[] in = new byte[compressed.readableBytes()];
    compressed.readBytes(in);
    inflater.setInput(in);
    try {
      while (true) {
        int n = inflater.inflate(scratch);
        if (n == 0) {
          if (inflater.needsDictionary()) {
            inflater.setDictionary(DICTIONARY);
            continue;
          }
          if (inflater.needsInput() || inflater.finished()) {
            return;
          }
          fail("the header block's compression stalled");
          return;
        }
        if (blockLength + n > MAX_HEADERS) {
          fail("a header block is larger than " + MAX_HEADERS + " bytes inflated");
          return;
        }
        System.arraycopy(scratch, 0, block, blockLength, n);
        blockLength += n;
      }
    } catch (DataFormatException | IllegalArgumentException e) {
      fail("a header block is not valid zlib: " + e.getMessage());
    }
  }

  /** The header block as Go's spdy framer reads it, or null (the failure set). */
  private Map<String, List<String>> parse(byte[] b, int length) {
    int[] pos = {0};
    long count = u32(b, length, pos);
    if (count < 0 || count > MAX_PAIRS) {
      fail(
          count < 0
              ? "a header block ends early"
              : "a header block has more than " + MAX_PAIRS + " headers");
      return null;
    }
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (int i = 0; i < count; i++) {
      String name = string(b, length, pos);
      String value = name == null ? null : string(b, length, pos);
      if (value == null) {
        fail("a header block ends early");
        return null;
      }
      if (name.isEmpty() || !name.equals(name.toLowerCase(Locale.ROOT))) {
        fail("a header name is empty or not lower-case");
        return null;
      }
      if (headers.containsKey(name)) {
        fail("the header " + name + " appears twice in one block");
        return null;
      }
      headers.put(name, List.copyOf(new ArrayList<>(List.of(value.split("\0", -1)))));
    }
    if (pos[0] != length) {
      fail("a header block has bytes after its last header");
      return null;
    }
    return headers;
  }

  private static long u32(byte[] b, int length, int[] pos) {
    if (pos[0] + 4 > length) {
      return -1;
    }
    long v =
        ((b[pos[0]] & 0xffL) << 24)
            | ((b[pos[0] + 1] & 0xffL) << 16)
            | ((b[pos[0] + 2] & 0xffL) << 8)
            | (b[pos[0] + 3] & 0xffL);
    pos[0] += 4;
    return v;
  }

  private static String string(byte[] b, int length, int[] pos) {
    long n = u32(b, length, pos);
    if (n < 0 || pos[0] + n > length) {
      return null;
    }
    String s = new String(b, pos[0], (int) n, java.nio.charset.StandardCharsets.UTF_8);
    pos[0] += (int) n;
    return s;
  }

  /** The zlib dictionary of SPDY/3 header blocks (draft-mbelshe-httpbis-spdy-00, 2.6.10.1). */
  static final byte[] DICTIONARY =
      Base64.getDecoder()
          .decode(
              ""
                  + "AAAAB29wdGlvbnMAAAAEaGVhZAAAAARwb3N0AAAAA3B1dAAAAAZkZWxldGUAAAAFdHJhY2UAAAAG"
                  + "YWNjZXB0AAAADmFjY2VwdC1jaGFyc2V0AAAAD2FjY2VwdC1lbmNvZGluZwAAAA9hY2NlcHQtbGFu"
                  + "Z3VhZ2UAAAANYWNjZXB0LXJhbmdlcwAAAANhZ2UAAAAFYWxsb3cAAAANYXV0aG9yaXphdGlvbgAA"
                  + "AA1jYWNoZS1jb250cm9sAAAACmNvbm5lY3Rpb24AAAAMY29udGVudC1iYXNlAAAAEGNvbnRlbnQt"
                  + "ZW5jb2RpbmcAAAAQY29udGVudC1sYW5ndWFnZQAAAA5jb250ZW50LWxlbmd0aAAAABBjb250ZW50"
                  + "LWxvY2F0aW9uAAAAC2NvbnRlbnQtbWQ1AAAADWNvbnRlbnQtcmFuZ2UAAAAMY29udGVudC10eXBl"
                  + "AAAABGRhdGUAAAAEZXRhZwAAAAZleHBlY3QAAAAHZXhwaXJlcwAAAARmcm9tAAAABGhvc3QAAAAI"
                  + "aWYtbWF0Y2gAAAARaWYtbW9kaWZpZWQtc2luY2UAAAANaWYtbm9uZS1tYXRjaAAAAAhpZi1yYW5n"
                  + "ZQAAABNpZi11bm1vZGlmaWVkLXNpbmNlAAAADWxhc3QtbW9kaWZpZWQAAAAIbG9jYXRpb24AAAAM"
                  + "bWF4LWZvcndhcmRzAAAABnByYWdtYQAAABJwcm94eS1hdXRoZW50aWNhdGUAAAATcHJveHktYXV0"
                  + "aG9yaXphdGlvbgAAAAVyYW5nZQAAAAdyZWZlcmVyAAAAC3JldHJ5LWFmdGVyAAAABnNlcnZlcgAA"
                  + "AAJ0ZQAAAAd0cmFpbGVyAAAAEXRyYW5zZmVyLWVuY29kaW5nAAAAB3VwZ3JhZGUAAAAKdXNlci1h"
                  + "Z2VudAAAAAR2YXJ5AAAAA3ZpYQAAAAd3YXJuaW5nAAAAEHd3dy1hdXRoZW50aWNhdGUAAAAGbWV0"
                  + "aG9kAAAAA2dldAAAAAZzdGF0dXMAAAAGMjAwIE9LAAAAB3ZlcnNpb24AAAAISFRUUC8xLjEAAAAD"
                  + "dXJsAAAABnB1YmxpYwAAAApzZXQtY29va2llAAAACmtlZXAtYWxpdmUAAAAGb3JpZ2luMTAwMTAx"
                  + "MjAxMjAyMjA1MjA2MzAwMzAyMzAzMzA0MzA1MzA2MzA3NDAyNDA1NDA2NDA3NDA4NDA5NDEwNDEx"
                  + "NDEyNDEzNDE0NDE1NDE2NDE3NTAyNTA0NTA1MjAzIE5vbi1BdXRob3JpdGF0aXZlIEluZm9ybWF0"
                  + "aW9uMjA0IE5vIENvbnRlbnQzMDEgTW92ZWQgUGVybWFuZW50bHk0MDAgQmFkIFJlcXVlc3Q0MDEg"
                  + "VW5hdXRob3JpemVkNDAzIEZvcmJpZGRlbjQwNCBOb3QgRm91bmQ1MDAgSW50ZXJuYWwgU2VydmVy"
                  + "IEVycm9yNTAxIE5vdCBJbXBsZW1lbnRlZDUwMyBTZXJ2aWNlIFVuYXZhaWxhYmxlSmFuIEZlYiBN"
                  + "YXIgQXByIE1heSBKdW4gSnVsIEF1ZyBTZXB0IE9jdCBOb3YgRGVjIDAwOjAwOjAwIE1vbiwgVHVl"
                  + "LCBXZWQsIFRodSwgRnJpLCBTYXQsIFN1biwgR01UY2h1bmtlZCx0ZXh0L2h0bWwsaW1hZ2UvcG5n"
                  + "LGltYWdlL2pwZyxpbWFnZS9naWYsYXBwbGljYXRpb24veG1sLGFwcGxpY2F0aW9uL3hodG1sK3ht"
                  + "bCx0ZXh0L3BsYWluLHRleHQvamF2YXNjcmlwdCxwdWJsaWNwcml2YXRlbWF4LWFnZT1nemlwLGRl"
                  + "ZmxhdGUsc2RjaGNoYXJzZXQ9dXRmLThjaGFyc2V0PWlzby04ODU5LTEsdXRmLSwqLGVucT0wLg==");
}
