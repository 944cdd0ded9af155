package io.hoop.cli.postgres;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;

/** Encodes the few frontend messages {@code hoop exec} sends (protocol 3.0). */
public final class FrontendMessages {
  static final int PROTOCOL_3_0 = 196608;
  static final int CANCEL_REQUEST_CODE = 80877102;

  private FrontendMessages() {}

  /** StartupMessage with {@code parameters} in order; names and values must hold no NUL. */
  public static byte[] startup(Map<String, String> parameters) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    int32(body, PROTOCOL_3_0);
    parameters.forEach(
        (name, value) -> {
          string(body, name, "startup parameter name");
          string(body, value, "startup parameter " + name);
        });
    body.write(0);
    return untyped(body.toByteArray());
  }

  /** Query: the simple query protocol's one message. */
  public static byte[] query(String sql) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    string(body, sql, "query");
    return typed('Q', body.toByteArray());
  }

  /** CopyFail: ends a COPY FROM STDIN the client has no data for. */
  public static byte[] copyFail(String reason) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    string(body, reason, "reason");
    return typed('f', body.toByteArray());
  }

  /** Terminate. */
  public static byte[] terminate() {
    return typed('X', new byte[0]);
  }

  /** CancelRequest, sent alone on a new connection. */
  public static byte[] cancelRequest(int processId, byte[] secretKey) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    int32(body, CANCEL_REQUEST_CODE);
    int32(body, processId);
    body.writeBytes(secretKey);
    return untyped(body.toByteArray());
  }

  private static void string(ByteArrayOutputStream out, String s, String what) {
    Objects.requireNonNull(s, what);
    if (s.indexOf('\0') >= 0) {
      throw new IllegalArgumentException(
          what + " contains a NUL character, which PostgreSQL cannot receive");
    }
    out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
    out.write(0);
  }

  private static void int32(ByteArrayOutputStream out, int v) {
    out.write(v >>> 24);
    out.write(v >>> 16);
    out.write(v >>> 8);
    out.write(v);
  }

  private static byte[] typed(char type, byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + 5);
    out.write(type);
    int32(out, body.length + 4);
    out.writeBytes(body);
    return out.toByteArray();
  }

  private static byte[] untyped(byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + 4);
    int32(out, body.length + 4);
    out.writeBytes(body);
    return out.toByteArray();
  }
}
