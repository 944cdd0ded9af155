package io.hoop.engine.ssh.bridge;

import io.hoop.engine.ssh.policy.SftpOperation;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * One SFTP (v3, as OpenSSH speaks it) request as the gate sees it: what it does to which path, or
 * why it cannot be let through. {@link #decode} never throws: a packet too short for its type, a
 * string longer than the packet, a path that is not UTF-8 or an unknown type or extension is a
 * {@link Refuse} (with the request id) or, without an id, {@link Broken}.
 */
sealed interface SftpRequest {

  int INIT = 1;
  int OPEN = 3;
  int CLOSE = 4;
  int READ = 5;
  int WRITE = 6;
  int LSTAT = 7;
  int FSTAT = 8;
  int SETSTAT = 9;
  int FSETSTAT = 10;
  int OPENDIR = 11;
  int READDIR = 12;
  int REMOVE = 13;
  int MKDIR = 14;
  int RMDIR = 15;
  int REALPATH = 16;
  int STAT = 17;
  int RENAME = 18;
  int READLINK = 19;
  int SYMLINK = 20;
  int EXTENDED = 200;

  int FXF_READ = 0x01;
  int FXF_WRITE = 0x02;
  int FXF_APPEND = 0x04;
  int FXF_CREAT = 0x08;
  int FXF_TRUNC = 0x10;

  /** Needs no check: INIT, requests on handles already checked, realpath, harmless extensions. */
  record Pass(int id, int type, String path) implements SftpRequest {}

  /**
   * An operation on one or two paths as the client sent them; {@code alsoRead} for an open that
   * both reads and writes.
   */
  record OnPath(int id, int type, SftpOperation op, String path, String otherPath, boolean alsoRead)
      implements SftpRequest {}

  /**
   * An operation on an open handle ({@code fsetstat}): checked on the path the handle was opened.
   */
  record OnHandle(int id, SftpOperation op, String handle) implements SftpRequest {}

  /** Refused whatever the rules say, with the reason. */
  record Refuse(int id, String reason) implements SftpRequest {}

  /** Not even an id could be read: the session cannot go on. */
  record Broken(String reason) implements SftpRequest {}

  /** Decodes {@code length} bytes of one packet's payload (type byte first, no length prefix). */
  static SftpRequest decode(byte[] packet, int offset, int length) {
    ByteBuffer b = ByteBuffer.wrap(packet, offset, length);
    int type;
    int id;
    try {
      type = b.get() & 0xff;
      if (type == INIT) {
        return new Pass(0, INIT, "");
      }
      id = b.getInt();
    } catch (BufferUnderflowException e) {
      return new Broken("an sftp request of " + length + " bytes has no id");
    }
    try {
      return switch (type) {
        case OPEN -> {
          String path = string(b);
          int flags = b.getInt();
          boolean write = (flags & (FXF_WRITE | FXF_APPEND | FXF_CREAT | FXF_TRUNC)) != 0;
          boolean read = (flags & FXF_READ) != 0 || !write;
          yield new OnPath(
              id, type, write ? SftpOperation.WRITE : SftpOperation.READ, path, "", write && read);
        }
        case CLOSE, READ, WRITE, FSTAT, READDIR -> {
          handle(b);
          yield new Pass(id, type, "");
        }
        case FSETSTAT -> new OnHandle(id, SftpOperation.SETSTAT, handle(b));
        case LSTAT, STAT, OPENDIR -> new OnPath(id, type, SftpOperation.LIST, string(b), "", false);
        case SETSTAT -> new OnPath(id, type, SftpOperation.SETSTAT, string(b), "", false);
        case REMOVE -> new OnPath(id, type, SftpOperation.REMOVE, string(b), "", false);
        case MKDIR -> new OnPath(id, type, SftpOperation.MKDIR, string(b), "", false);
        case RMDIR -> new OnPath(id, type, SftpOperation.RMDIR, string(b), "", false);
        case READLINK -> new OnPath(id, type, SftpOperation.READLINK, string(b), "", false);
        case RENAME -> new OnPath(id, type, SftpOperation.RENAME, string(b), string(b), false);
        case REALPATH -> new Pass(id, type, string(b));
        case SYMLINK -> new Refuse(id, linkRefusal("symlink"));
        case EXTENDED -> extended(id, b);
        default -> new Refuse(id, "sftp request type " + type + " is not known to the broker");
      };
    } catch (BufferUnderflowException | IllegalArgumentException e) {
      return new Refuse(id, "malformed sftp request of type " + type + " (" + e.getMessage() + ")");
    }
  }

  private static SftpRequest extended(int id, ByteBuffer b) {
    String name = string(b);
    return switch (name) {
      case "posix-rename@openssh.com" ->
          new OnPath(id, EXTENDED, SftpOperation.RENAME, string(b), string(b), false);
      case "lsetstat@openssh.com" ->
          new OnPath(id, EXTENDED, SftpOperation.SETSTAT, string(b), "", false);
      case "statvfs@openssh.com" ->
          new OnPath(id, EXTENDED, SftpOperation.LIST, string(b), "", false);
      case "expand-path@openssh.com" -> new Pass(id, EXTENDED, string(b));
      case "fstatvfs@openssh.com", "fsync@openssh.com" -> {
        handle(b);
        yield new Pass(id, EXTENDED, "");
      }
      // copy-data copies between two handles, each checked when it was opened
      case "limits@openssh.com", "copy-data", "home-directory", "users-groups-by-id@openssh.com" ->
          new Pass(id, EXTENDED, "");
      case "hardlink@openssh.com" -> new Refuse(id, linkRefusal("hardlink"));
      default ->
          new Refuse(id, "sftp extension '" + printable(name) + "' is not known to the broker");
    };
  }

  private static String linkRefusal(String what) {
    return "creating a "
        + what
        + " is refused when the role has sftp path rules (a link would let a later operation"
        + " reach a path the rules deny)";
  }

  private static String string(ByteBuffer b) {
    int n = b.getInt();
    if (n < 0 || n > b.remaining()) {
      throw new IllegalArgumentException("a string of " + n + " bytes, " + b.remaining() + " left");
    }
    ByteBuffer s = b.slice(b.position(), n);
    b.position(b.position() + n);
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(s)
          .toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("a path that is not UTF-8");
    }
  }

  /** Handles are opaque bytes (OpenSSH: 4); kept as text to look the path up. */
  private static String handle(ByteBuffer b) {
    int n = b.getInt();
    if (n < 0 || n > 256 || n > b.remaining()) {
      throw new IllegalArgumentException("a handle of " + n + " bytes");
    }
    byte[] h = new byte[n];
    b.get(h);
    return Base64.getEncoder().encodeToString(h);
  }

  private static String printable(String s) {
    String t = s.length() > 64 ? s.substring(0, 64) + "..." : s;
    return t.replaceAll("[\\p{Cntrl}]", "?");
  }
}
