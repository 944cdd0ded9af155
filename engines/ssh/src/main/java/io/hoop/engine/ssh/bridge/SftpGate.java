package io.hoop.engine.ssh.bridge;

import io.hoop.engine.ssh.policy.SftpOperation;
import io.hoop.engine.ssh.policy.SftpPath;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.sshd.common.io.IoInputStream;
import org.apache.sshd.common.io.IoOutputStream;
import org.apache.sshd.common.io.IoReadFuture;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;

/**
 * Enforces a role's sftp rules on a relayed sftp session, packet by packet. Requests from the user
 * are framed whole ({@link SftpFramer#MAX_PACKET} at most), decoded ({@link SftpRequest}) and
 * checked; an allowed one goes to the target unchanged, a refused one never does: the user gets an
 * {@code SSH_FX_PERMISSION_DENIED} status naming the rule, slipped into the target's response
 * stream between two whole response packets. Fails closed: a request it cannot decode or does not
 * know is refused the same way; a framing it cannot follow (a length out of bounds) ends the
 * channel.
 *
 * <p>Backpressure as in {@link Pump}: the next read of either side starts when what it produced was
 * written.
 */
final class SftpGate {

  private static final int STATUS = 101;
  private static final int HANDLE = 102;
  private static final int NAME = 104;
  private static final int FX_PERMISSION_DENIED = 3;

  /** Where the gate reports. */
  interface Sink {
    /** A request was refused; {@code detail} names the operation and path. */
    void refused(String detail, String reason);

    /** The bytes of allowed requests, as they go to the target (for the observer). */
    void forwarded(byte[] bytes, int offset, int length);

    /** Target bytes, as they go to the user. */
    void responded(byte[] bytes, int offset, int length);

    /** The session cannot go on: the channel ends with this message. */
    void abort(String message);
  }

  private final IoInputStream userIn;
  private final IoOutputStream targetIn;
  private final IoInputStream targetOut;
  private final BridgePolicy.SftpCheck check;
  private final Sink sink;
  private final Consumer<Throwable> requestsEnded;
  private final Consumer<Throwable> responsesEnded;
  private final UserOut userOut;
  private final AtomicLong bytesUp = new AtomicLong();
  private final AtomicLong bytesDown = new AtomicLong();

  // request side (one read at a time)
  private final Buffer requestBuffer = new ByteArrayBuffer(64 * 1024, false);
  private final byte[] lengthBytes = new byte[4];
  private int lengthHave;
  private byte[] packet;
  private int packetHave;

  // response side (one read at a time)
  private final Buffer responseBuffer = new ByteArrayBuffer(64 * 1024, false);
  private final SftpFramer responses = new SftpFramer(this::response);
  private int responseLengthHave;
  private int responseRemaining;

  // learnt from the target's answers
  private final Map<Integer, String> pendingOpens = new ConcurrentHashMap<>();
  private final Map<String, String> handles = new ConcurrentHashMap<>();
  private volatile Integer cwdProbe;
  private volatile String cwd;

  SftpGate(
      IoInputStream userIn,
      IoOutputStream userOut,
      IoOutputStream targetIn,
      IoInputStream targetOut,
      BridgePolicy.SftpCheck check,
      Sink sink,
      Consumer<Throwable> requestsEnded,
      Consumer<Throwable> responsesEnded) {
    this.userIn = userIn;
    this.targetIn = targetIn;
    this.targetOut = targetOut;
    this.check = check;
    this.sink = sink;
    this.requestsEnded = requestsEnded;
    this.responsesEnded = responsesEnded;
    this.userOut = new UserOut(userOut, responsesEnded);
  }

  SftpGate start() {
    readRequests();
    readResponses();
    return this;
  }

  long bytesUp() {
    return bytesUp.get();
  }

  long bytesDown() {
    return bytesDown.get();
  }

  // ---- requests: user -> target

  private void readRequests() {
    requestBuffer.clear();
    IoReadFuture read;
    try {
      read = userIn.read(requestBuffer);
    } catch (RuntimeException e) {
      requestsEnded.accept(e);
      return;
    }
    read.addListener(this::onRequests);
  }

  private void onRequests(IoReadFuture future) {
    Throwable failure = future.getException();
    if (failure != null) {
      requestsEnded.accept(Pump.isEof(failure) ? null : failure);
      return;
    }
    Buffer data = future.getBuffer();
    int n = future.getRead();
    if (n <= 0) {
      readRequests();
      return;
    }
    bytesUp.addAndGet(n);
    ByteArrayBuffer forward = new ByteArrayBuffer(n + 64, false);
    if (!frameRequests(data.array(), data.rpos(), n, forward)) {
      return;
    }
    if (forward.available() == 0) {
      readRequests();
      return;
    }
    sink.forwarded(forward.array(), forward.rpos(), forward.available());
    try {
      targetIn
          .writeBuffer(forward)
          .addListener(
              f -> {
                if (f.isWritten()) {
                  readRequests();
                } else {
                  requestsEnded.accept(f.getException());
                }
              });
    } catch (Exception e) {
      requestsEnded.accept(e);
    }
  }

  /** Splits the chunk into whole packets; false when the framing broke (the channel is ended). */
  private boolean frameRequests(byte[] bytes, int offset, int count, Buffer forward) {
    int off = offset;
    int end = offset + count;
    while (off < end) {
      if (packet == null) {
        int k = Math.min(4 - lengthHave, end - off);
        System.arraycopy(bytes, off, lengthBytes, lengthHave, k);
        lengthHave += k;
        off += k;
        if (lengthHave < 4) {
          break;
        }
        int length = ByteBuffer.wrap(lengthBytes).getInt();
        if (length <= 0 || length > SftpFramer.MAX_PACKET) {
          sink.abort(
              "hoop: sftp refused: a request of "
                  + Integer.toUnsignedString(length)
                  + " bytes cannot be checked (at most "
                  + SftpFramer.MAX_PACKET
                  + "); the session ends");
          return false;
        }
        packet = new byte[length];
        packetHave = 0;
      }
      int k = Math.min(packet.length - packetHave, end - off);
      System.arraycopy(bytes, off, packet, packetHave, k);
      packetHave += k;
      off += k;
      if (packetHave == packet.length) {
        byte[] p = packet;
        packet = null;
        lengthHave = 0;
        if (!request(p, forward)) {
          return false;
        }
      }
    }
    return true;
  }

  private boolean request(byte[] p, Buffer forward) {
    SftpRequest r = SftpRequest.decode(p, 0, p.length);
    String refusal = null;
    String detail = "";
    int id = 0;
    if (r instanceof SftpRequest.Broken b) {
      sink.abort("hoop: sftp refused: " + b.reason() + "; the session ends");
      return false;
    } else if (r instanceof SftpRequest.Refuse f) {
      id = f.id();
      refusal = f.reason();
      detail = "request";
    } else if (r instanceof SftpRequest.Pass pass) {
      if (pass.type() == SftpRequest.REALPATH
          && (pass.path().isEmpty() || ".".equals(pass.path()))) {
        cwdProbe = pass.id();
      }
    } else if (r instanceof SftpRequest.OnHandle h) {
      id = h.id();
      String path = handles.get(h.handle());
      detail = h.op().configName() + " (handle)";
      if (path == null) {
        refusal = "the handle is not one the broker saw opened";
      } else {
        detail = h.op().configName() + " " + path;
        refusal = verdict(h.op(), path, "");
      }
    } else if (r instanceof SftpRequest.OnPath o) {
      id = o.id();
      SftpPath.Resolved a = SftpPath.resolve(o.path(), cwd);
      SftpPath.Resolved b =
          o.otherPath().isEmpty()
              ? new SftpPath.Resolved("", null)
              : SftpPath.resolve(o.otherPath(), cwd);
      detail =
          o.op().configName()
              + " "
              + o.path()
              + (o.otherPath().isEmpty() ? "" : " " + o.otherPath());
      if (a.refused() || b.refused()) {
        refusal = a.refused() ? a.refusal() : b.refusal();
      } else {
        detail = o.op().configName() + " " + a.path() + (b.path().isEmpty() ? "" : " " + b.path());
        refusal = verdict(o.op(), a.path(), b.path());
        if (refusal == null && o.alsoRead()) {
          refusal = verdict(SftpOperation.READ, a.path(), "");
        }
        if (refusal == null && (o.type() == SftpRequest.OPEN || o.type() == SftpRequest.OPENDIR)) {
          pendingOpens.put(o.id(), a.path());
        }
      }
    }
    if (refusal != null) {
      sink.refused(detail, refusal);
      userOut.inject(status(id, "hoop: refused by policy: " + refusal));
      return true;
    }
    forward.putUInt(p.length);
    forward.putRawBytes(p);
    return true;
  }

  /** Null when allowed, else the reason. */
  private String verdict(SftpOperation op, String path, String otherPath) {
    Verdict v;
    try {
      v = check.operation(op, path, otherPath);
    } catch (RuntimeException e) {
      return "the operation could not be checked";
    }
    return switch (v.outcome()) {
      case ALLOW -> null;
      case DENY -> v.reason();
      case REVIEW -> v.reason() + "; sftp operations cannot wait for review, so it is refused";
    };
  }

  static Buffer status(int id, String message) {
    byte[] text = message.getBytes(StandardCharsets.UTF_8);
    ByteArrayBuffer b = new ByteArrayBuffer(text.length + 32, false);
    b.putUInt(0); // the length, once known
    b.putByte((byte) STATUS);
    b.putUInt(id & 0xffffffffL);
    b.putUInt(FX_PERMISSION_DENIED);
    b.putBytes(text);
    b.putString("en");
    int end = b.wpos();
    b.wpos(0);
    b.putUInt(end - 4);
    b.wpos(end);
    return b;
  }

  // ---- responses: target -> user

  private void readResponses() {
    responseBuffer.clear();
    IoReadFuture read;
    try {
      read = targetOut.read(responseBuffer);
    } catch (RuntimeException e) {
      responsesEnded.accept(e);
      return;
    }
    read.addListener(this::onResponses);
  }

  private void onResponses(IoReadFuture future) {
    Throwable failure = future.getException();
    if (failure != null) {
      responsesEnded.accept(Pump.isEof(failure) ? null : failure);
      return;
    }
    Buffer data = future.getBuffer();
    int n = future.getRead();
    if (n <= 0) {
      readResponses();
      return;
    }
    bytesDown.addAndGet(n);
    byte[] bytes = data.array();
    int off = data.rpos();
    sink.responded(bytes, off, n);
    responses.feed(bytes, off, n);
    List<Buffer> segments = new ArrayList<>();
    List<Boolean> boundaries = new ArrayList<>();
    if (!cut(bytes, off, n, segments, boundaries)) {
      sink.abort("hoop: sftp refused: the target's responses cannot be followed; the session ends");
      return;
    }
    userOut.response(segments, boundaries, this::readResponses);
  }

  /** Splits a chunk of responses at packet ends; false when a length is out of bounds. */
  private boolean cut(
      byte[] bytes, int offset, int count, List<Buffer> segments, List<Boolean> boundaries) {
    int start = offset;
    int off = offset;
    int end = offset + count;
    while (off < end) {
      if (responseRemaining == 0) {
        // reading the length: big-endian, possibly split across chunks
        responseRemaining = -1;
      }
      if (responseRemaining < 0) {
        while (responseLengthHave < 4 && off < end) {
          responseLengthAcc = (responseLengthAcc << 8) | (bytes[off] & 0xff);
          responseLengthHave++;
          off++;
        }
        if (responseLengthHave < 4) {
          break;
        }
        int length = responseLengthAcc;
        responseLengthHave = 0;
        responseLengthAcc = 0;
        if (length <= 0 || length > SftpFramer.MAX_PACKET) {
          return false;
        }
        responseRemaining = length;
      }
      int k = Math.min(responseRemaining, end - off);
      off += k;
      responseRemaining -= k;
      if (responseRemaining == 0) {
        segments.add(copy(bytes, start, off - start));
        boundaries.add(true);
        start = off;
      }
    }
    if (start < end) {
      segments.add(copy(bytes, start, end - start));
      boundaries.add(false);
    }
    return true;
  }

  private int responseLengthAcc;

  private static Buffer copy(byte[] bytes, int offset, int length) {
    byte[] c = new byte[length];
    System.arraycopy(bytes, offset, c, 0, length);
    return new ByteArrayBuffer(c);
  }

  /** Learns handles (for fsetstat) and the working directory (for relative paths). */
  private void response(byte[] head, int headLength, int packetLength) {
    ByteBuffer b = ByteBuffer.wrap(head, 0, headLength);
    try {
      int type = b.get() & 0xff;
      if (type == 2) {
        return;
      }
      int id = b.getInt();
      String opened = pendingOpens.remove(id);
      if (type == HANDLE && opened != null) {
        int n = b.getInt();
        if (n >= 0 && n <= 256 && n <= b.remaining()) {
          byte[] h = new byte[n];
          b.get(h);
          handles.put(Base64.getEncoder().encodeToString(h), opened);
        }
      } else if (type == NAME && cwdProbe != null && cwdProbe == id) {
        cwdProbe = null;
        if (b.getInt() >= 1) {
          int n = b.getInt();
          if (n > 0 && n <= b.remaining()) {
            byte[] s = new byte[n];
            b.get(s);
            String path = new String(s, StandardCharsets.UTF_8);
            if (path.startsWith("/") && cwd == null) {
              cwd = path;
            }
          }
        }
      }
    } catch (RuntimeException e) {
      // a short response: nothing to learn
    }
  }

  /**
   * The user's side of the channel: one write at a time; an injected status waits until the
   * target's response stream is between two packets.
   */
  private static final class UserOut {
    private final IoOutputStream out;
    private final Consumer<Throwable> failed;
    private final Deque<Object> queue = new ArrayDeque<>();
    private final List<Buffer> injections = new ArrayList<>();
    private boolean atBoundary = true;
    private boolean writing;

    UserOut(IoOutputStream out, Consumer<Throwable> failed) {
      this.out = out;
      this.failed = failed;
    }

    synchronized void inject(Buffer status) {
      if (atBoundary) {
        queue.add(status);
        drain();
      } else {
        injections.add(status);
      }
    }

    synchronized void response(List<Buffer> segments, List<Boolean> boundaries, Runnable then) {
      for (int i = 0; i < segments.size(); i++) {
        queue.add(segments.get(i));
        atBoundary = boundaries.get(i);
        if (atBoundary && !injections.isEmpty()) {
          queue.addAll(injections);
          injections.clear();
        }
      }
      queue.add(then);
      drain();
    }

    private void drain() {
      while (!writing && !queue.isEmpty()) {
        Object next = queue.poll();
        if (next instanceof Runnable r) {
          r.run();
          continue;
        }
        writing = true;
        try {
          out.writeBuffer((Buffer) next).addListener(f -> written(f.isWritten(), f.getException()));
        } catch (Exception e) {
          writing = false;
          failed.accept(e);
          return;
        }
      }
    }

    private synchronized void written(boolean ok, Throwable failure) {
      writing = false;
      if (!ok) {
        queue.clear();
        failed.accept(failure);
        return;
      }
      drain();
    }
  }
}
