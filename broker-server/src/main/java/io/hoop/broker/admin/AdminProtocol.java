package io.hoop.broker.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.hoop.api.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The admin socket's wire format: one JSON object per line each way, at most {@link #MAX_LINE}
 * bytes. Requests: {@code {"op":"token.create","principal":..,"groups":[..],"ttlSeconds":..}},
 * {@code {"op":"token.list"}}, {@code {"op":"token.revoke","id":..}}. Answers: {@code {"ok":true,
 * <field>: ...}} or {@code {"ok":false,"error":"..."}}.
 */
final class AdminProtocol {
  static final int MAX_LINE = 64 * 1024;

  private static final ScheduledExecutorService TIMEOUTS =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "hoop-admin-timeouts");
            t.setDaemon(true);
            return t;
          });

  private AdminProtocol() {}

  static Map<String, Object> ok(String field, Object value) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("ok", true);
    m.put(field, value);
    return m;
  }

  static Map<String, Object> error(String message) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("ok", false);
    m.put("error", message);
    return m;
  }

  /** A value from a request, cut and without control characters, for a message. */
  static String shown(String s) {
    String c = s.replaceAll("\\p{Cntrl}", "?");
    return c.length() > 40 ? c.substring(0, 40) + "..." : c;
  }

  static void write(SocketChannel channel, Object message) throws IOException {
    byte[] line =
        (Json.mapper().writeValueAsString(message) + "\n").getBytes(StandardCharsets.UTF_8);
    ByteBuffer buf = ByteBuffer.wrap(line);
    while (buf.hasRemaining()) {
      channel.write(buf);
    }
  }

  /**
   * Reads one line and parses it; the channel is closed when no full line came within {@code
   * timeout}.
   *
   * @throws IOException on a closed peer, an oversized line, a timeout or a line that is not JSON
   */
  static JsonNode read(SocketChannel channel, Duration timeout) throws IOException {
    ScheduledFuture<?> deadline =
        TIMEOUTS.schedule(
            () -> {
              try {
                channel.close();
              } catch (IOException e) {
                // Closing is all the timeout does.
              }
            },
            timeout.toMillis(),
            TimeUnit.MILLISECONDS);
    try {
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      ByteBuffer buf = ByteBuffer.allocate(4096);
      while (true) {
        buf.clear();
        int n = channel.read(buf);
        if (n < 0) {
          throw new IOException("the peer closed the admin socket before a full line");
        }
        for (int i = 0; i < n; i++) {
          byte b = buf.get(i);
          if (b == '\n') {
            JsonNode node = Json.mapper().readTree(line.toString(StandardCharsets.UTF_8));
            if (node == null || !node.isObject()) {
              throw new IOException("an admin socket line must be a JSON object");
            }
            return node;
          }
          line.write(b);
          if (line.size() > MAX_LINE) {
            throw new IOException("an admin socket line is longer than " + MAX_LINE + " bytes");
          }
        }
      }
    } finally {
      deadline.cancel(false);
    }
  }
}
