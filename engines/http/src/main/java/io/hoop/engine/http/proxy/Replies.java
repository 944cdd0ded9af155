package io.hoop.engine.http.proxy;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/**
 * The broker's own answers (refusals, an unreachable target, the grant ending): a JSON body {@code
 * {"error": "...", "rule": "...", "message": "..."}} that names the check or rule, and {@code
 * Connection: close}.
 */
final class Replies {
  private Replies() {}

  static FullHttpResponse error(
      ByteBufAllocator alloc,
      HttpResponseStatus status,
      String error,
      String rule,
      String message) {
    StringBuilder json = new StringBuilder("{\"error\":\"").append(quote(error)).append('"');
    if (rule != null) {
      json.append(",\"rule\":\"").append(quote(rule)).append('"');
    }
    json.append(",\"message\":\"").append(quote(message)).append("\"}\n");
    return json(alloc, status, json.toString());
  }

  /** An answer with {@code json} as its body. */
  static FullHttpResponse json(ByteBufAllocator alloc, HttpResponseStatus status, String json) {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, status, alloc.buffer(body.length).writeBytes(body));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
    response.headers().set(HttpHeaderNames.CONTENT_LENGTH, body.length);
    response.headers().set(HttpHeaderNames.CONNECTION, "close");
    response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
    return response;
  }

  private static String quote(String s) {
    return new String(JsonStringEncoder.getInstance().quoteAsString(s));
  }
}
