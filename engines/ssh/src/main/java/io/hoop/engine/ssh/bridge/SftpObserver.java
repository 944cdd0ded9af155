package io.hoop.engine.ssh.bridge;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Watches both directions of a relayed SFTP (v3) session, without changing a byte, and reports
 * operations on paths and file transfers (path, bytes written, bytes read) when a handle closes.
 * Requests it cannot parse are skipped; a broken framing stops the observation (the relay goes on).
 */
final class SftpObserver {

  /** Where the observations go. */
  interface Sink {
    void operation(String op, String path, String otherPath);

    void transfer(String path, long bytesWritten, long bytesRead);

    void unparseable(String direction);
  }

  private static final int OPEN = 3;
  private static final int CLOSE = 4;
  private static final int READ = 5;
  private static final int WRITE = 6;
  private static final int SETSTAT = 9;
  private static final int OPENDIR = 11;
  private static final int REMOVE = 13;
  private static final int MKDIR = 14;
  private static final int RMDIR = 15;
  private static final int RENAME = 18;
  private static final int SYMLINK = 20;
  private static final int EXTENDED = 200;
  private static final int HANDLE = 102;
  private static final int DATA = 103;
  private static final int FXF_WRITE = 0x02;

  private final Sink sink;
  private final SftpFramer fromUser = new SftpFramer(this::request);
  private final SftpFramer fromTarget = new SftpFramer(this::response);
  private final Map<Integer, String> pendingOpens = new ConcurrentHashMap<>();
  private final Map<Integer, String> pendingReads = new ConcurrentHashMap<>();
  private final Map<String, Transfer> open = new ConcurrentHashMap<>();
  private volatile boolean userBroken;
  private volatile boolean targetBroken;

  SftpObserver(Sink sink) {
    this.sink = sink;
  }

  void fromUser(byte[] bytes, int offset, int length) {
    fromUser.feed(bytes, offset, length);
    if (fromUser.broken() && !userBroken) {
      userBroken = true;
      sink.unparseable("requests");
    }
  }

  void fromTarget(byte[] bytes, int offset, int length) {
    fromTarget.feed(bytes, offset, length);
    if (fromTarget.broken() && !targetBroken) {
      targetBroken = true;
      sink.unparseable("responses");
    }
  }

  /** Reports the handles left open (the channel ended). */
  void end() {
    open.values().forEach(t -> sink.transfer(t.path, t.written, t.read));
    open.clear();
  }

  private void request(byte[] head, int headLength, int packetLength) {
    ByteBuffer b = ByteBuffer.wrap(head, 0, headLength);
    try {
      int type = b.get() & 0xff;
      if (type == 1) {
        return; // INIT carries a version, no id
      }
      int id = b.getInt();
      switch (type) {
        case OPEN -> {
          String path = string(b);
          int flags = b.getInt();
          pendingOpens.put(id, path);
          sink.operation((flags & FXF_WRITE) != 0 ? "open-write" : "open-read", path, "");
        }
        case OPENDIR -> sink.operation("opendir", string(b), "");
        case REMOVE -> sink.operation("remove", string(b), "");
        case MKDIR -> sink.operation("mkdir", string(b), "");
        case RMDIR -> sink.operation("rmdir", string(b), "");
        case SETSTAT -> sink.operation("setstat", string(b), "");
        case RENAME -> sink.operation("rename", string(b), string(b));
        case SYMLINK -> sink.operation("symlink", string(b), string(b));
        case EXTENDED -> {
          String name = string(b);
          if (name.startsWith("posix-rename@") || name.startsWith("hardlink@")) {
            sink.operation(name, string(b), string(b));
          }
        }
        case READ -> pendingReads.put(id, handle(b));
        case WRITE -> {
          Transfer t = open.get(handle(b));
          if (t != null) {
            b.getLong();
            t.written += b.getInt() & 0xffffffffL;
          }
        }
        case CLOSE -> {
          Transfer t = open.remove(handle(b));
          if (t != null) {
            sink.transfer(t.path, t.written, t.read);
          }
        }
        default -> {
          // stat, lstat, realpath, readdir, readlink, fstat: reads of metadata, not recorded
        }
      }
    } catch (BufferUnderflowException | IllegalArgumentException e) {
      // a request too short for its type: the target will refuse it; nothing to record
    }
  }

  private void response(byte[] head, int headLength, int packetLength) {
    ByteBuffer b = ByteBuffer.wrap(head, 0, headLength);
    try {
      int type = b.get() & 0xff;
      if (type == 2) {
        return; // VERSION
      }
      int id = b.getInt();
      if (type == HANDLE) {
        String path = pendingOpens.remove(id);
        if (path != null) {
          open.put(handle(b), new Transfer(path));
        }
      } else if (type == DATA) {
        String handle = pendingReads.remove(id);
        Transfer t = handle == null ? null : open.get(handle);
        if (t != null) {
          t.read += b.getInt() & 0xffffffffL;
        }
      } else {
        pendingOpens.remove(id);
        pendingReads.remove(id);
      }
    } catch (BufferUnderflowException | IllegalArgumentException e) {
      // ignore a short response
    }
  }

  private static String string(ByteBuffer b) {
    int n = b.getInt();
    if (n < 0 || n > b.remaining()) {
      throw new IllegalArgumentException("string of " + n + " bytes, " + b.remaining() + " left");
    }
    byte[] s = new byte[n];
    b.get(s);
    return new String(s, StandardCharsets.UTF_8);
  }

  /** Handles are opaque bytes; keep them as a map key. */
  private static String handle(ByteBuffer b) {
    int n = b.getInt();
    if (n < 0 || n > 256 || n > b.remaining()) {
      throw new IllegalArgumentException("handle of " + n + " bytes");
    }
    byte[] h = new byte[n];
    b.get(h);
    return Base64.getEncoder().encodeToString(h);
  }

  private static final class Transfer {
    final String path;
    volatile long written;
    volatile long read;

    Transfer(String path) {
      this.path = path;
    }
  }
}
