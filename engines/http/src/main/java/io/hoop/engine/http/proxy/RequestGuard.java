package io.hoop.engine.http.proxy;

import io.hoop.engine.http.config.Credential;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The header rules of the proxy, pure: which requests are refused before any rule is checked
 * (framing the broker and the target could read differently), and what headers each side gets.
 *
 * <p>Toward the target: the client's credentials are dropped ({@code Authorization}, {@code
 * Proxy-Authorization}, {@code Cookie}, and any header of the role's credential's name), so a
 * client can neither substitute nor add one; so are headers that let a request say it is another
 * method or path ({@code X-HTTP-Method-Override}, {@code X-Original-URL}, ...), the hop-by-hop
 * headers and every header {@code Connection} names (RFC 9110 §7.6.1), and {@code Expect} (the
 * broker answers {@code 100-continue} itself). {@code Host} is the target's. With masking on,
 * {@code Accept-Encoding} is {@code identity}, so the body can be read.
 *
 * <p>Toward the client: hop-by-hop headers and {@code Set-Cookie} are dropped (a session cookie is
 * a credential the client must not hold).
 */
public final class RequestGuard {
  private static final Pattern METHOD = Pattern.compile("^[A-Z][A-Z0-9_-]{0,31}$");
  private static final Set<String> HOP_BY_HOP =
      Set.of(
          "connection",
          "keep-alive",
          "proxy-connection",
          "proxy-authenticate",
          "te",
          "trailer",
          "transfer-encoding",
          "upgrade");
  private static final Set<String> CLIENT_DROPPED =
      Set.of(
          "authorization",
          "proxy-authorization",
          "cookie",
          "host",
          "expect",
          "x-http-method-override",
          "x-http-method",
          "x-method-override",
          "x-original-url",
          "x-rewrite-url",
          "x-original-method",
          "forwarded",
          "x-forwarded-for",
          "x-forwarded-host",
          "x-forwarded-proto",
          "x-forwarded-prefix");

  private RequestGuard() {}

  /** A request refused before any rule: the status and the reason for the client. */
  public record Refusal(HttpResponseStatus status, String check, String reason) {}

  /**
   * Why {@code request} cannot be relayed, or null when it can. Covers decoder failures (oversize
   * line 414, oversize headers 431, malformed or ambiguous framing 400) and what the decoder lets
   * through but the broker refuses.
   */
  public static Refusal check(HttpRequest request) {
    if (request.decoderResult().isFailure()) {
      Throwable cause = request.decoderResult().cause();
      if (cause instanceof TooLongHttpHeaderException) {
        return new Refusal(
            HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
            "request.headers",
            "the request headers are larger than the broker accepts");
      }
      if (cause instanceof TooLongHttpLineException) {
        return new Refusal(
            HttpResponseStatus.REQUEST_URI_TOO_LONG,
            "request.line",
            "the request line is longer than the broker accepts");
      }
      String message = cause == null ? "malformed" : String.valueOf(cause.getMessage());
      return new Refusal(
          HttpResponseStatus.BAD_REQUEST, "request.framing", "malformed request: " + message);
    }
    if (!request.protocolVersion().equals(HttpVersion.HTTP_1_1)) {
      return new Refusal(
          HttpResponseStatus.HTTP_VERSION_NOT_SUPPORTED,
          "request.version",
          "only HTTP/1.1 is relayed; got " + request.protocolVersion());
    }
    String method = request.method().name();
    if (!METHOD.matcher(method).matches()) {
      return new Refusal(
          HttpResponseStatus.BAD_REQUEST,
          "request.method",
          "the method must be an upper-case token (rules compare methods exactly)");
    }
    if (method.equals("CONNECT") || method.equals("TRACE")) {
      return new Refusal(
          HttpResponseStatus.METHOD_NOT_ALLOWED,
          "request.method",
          method + " is never relayed to a target");
    }
    HttpHeaders h = request.headers();
    if (h.getAll(HttpHeaderNames.HOST).size() != 1) {
      return new Refusal(
          HttpResponseStatus.BAD_REQUEST, "request.host", "expected exactly one Host header");
    }
    List<String> te = h.getAll(HttpHeaderNames.TRANSFER_ENCODING);
    if (!te.isEmpty()) {
      if (te.size() != 1 || !te.get(0).trim().equalsIgnoreCase("chunked")) {
        return new Refusal(
            HttpResponseStatus.BAD_REQUEST,
            "request.framing",
            "Transfer-Encoding must be exactly 'chunked'");
      }
      if (h.contains(HttpHeaderNames.CONTENT_LENGTH)) {
        return new Refusal(
            HttpResponseStatus.BAD_REQUEST,
            "request.framing",
            "both Content-Length and Transfer-Encoding");
      }
    }
    List<String> cl = h.getAll(HttpHeaderNames.CONTENT_LENGTH);
    if (cl.size() > 1 || cl.size() == 1 && !cl.get(0).matches("[0-9]{1,18}")) {
      return new Refusal(
          HttpResponseStatus.BAD_REQUEST,
          "request.framing",
          "Content-Length must be one decimal number");
    }
    List<String> expect = h.getAll(HttpHeaderNames.EXPECT);
    if (!expect.isEmpty()
        && (expect.size() > 1 || !expect.get(0).trim().equalsIgnoreCase("100-continue"))) {
      return new Refusal(
          HttpResponseStatus.EXPECTATION_FAILED,
          "request.expect",
          "only 'Expect: 100-continue' is supported");
    }
    return null;
  }

  /** Whether the request asks to switch protocols (WebSocket or another upgrade). */
  public static boolean isUpgrade(HttpRequest request) {
    return request.headers().contains(HttpHeaderNames.UPGRADE)
        && connectionTokens(request.headers()).contains("upgrade");
  }

  /**
   * The headers the target gets for {@code request}: the client's, minus what the class comment
   * lists, plus Host and the role's credential.
   */
  public static HttpHeaders toTarget(
      HttpRequest request,
      String host,
      Credential credential,
      boolean upgrade,
      boolean identityEncoding) {
    HttpHeaders in = request.headers();
    Set<String> dropped = new HashSet<>(HOP_BY_HOP);
    dropped.addAll(CLIENT_DROPPED);
    dropped.addAll(connectionTokens(in));
    if (credential.headerName() != null) {
      dropped.add(credential.headerName().toLowerCase(Locale.ROOT));
    }
    if (identityEncoding) {
      dropped.add("accept-encoding");
    }
    HttpHeaders out = new DefaultHttpHeaders();
    out.add(HttpHeaderNames.HOST, host);
    for (Map.Entry<String, String> e : in) {
      if (!dropped.contains(e.getKey().toLowerCase(Locale.ROOT))) {
        out.add(e.getKey(), e.getValue());
      }
    }
    if (request.headers().contains(HttpHeaderNames.TRANSFER_ENCODING)) {
      out.set(HttpHeaderNames.TRANSFER_ENCODING, "chunked");
    }
    if (upgrade) {
      out.set(HttpHeaderNames.CONNECTION, "Upgrade");
      out.set(HttpHeaderNames.UPGRADE, in.get(HttpHeaderNames.UPGRADE));
    }
    if (identityEncoding) {
      out.set(HttpHeaderNames.ACCEPT_ENCODING, "identity");
    }
    if (credential.headerName() != null) {
      out.set(credential.headerName(), credential.headerValue());
    }
    return out;
  }

  /** The headers the client gets of {@code response}: hop-by-hop and Set-Cookie dropped. */
  public static HttpHeaders toClient(HttpResponse response, boolean upgrade) {
    HttpHeaders in = response.headers();
    Set<String> dropped = new HashSet<>(HOP_BY_HOP);
    dropped.addAll(connectionTokens(in));
    dropped.add("set-cookie");
    dropped.add("set-cookie2");
    HttpHeaders out = new DefaultHttpHeaders();
    for (Map.Entry<String, String> e : in) {
      if (!dropped.contains(e.getKey().toLowerCase(Locale.ROOT))) {
        out.add(e.getKey(), e.getValue());
      }
    }
    if (upgrade) {
      out.set(HttpHeaderNames.CONNECTION, "Upgrade");
      out.set(HttpHeaderNames.UPGRADE, in.get(HttpHeaderNames.UPGRADE));
    } else if (in.contains(HttpHeaderNames.TRANSFER_ENCODING)) {
      out.set(HttpHeaderNames.TRANSFER_ENCODING, "chunked");
    }
    return out;
  }

  /** Whether the response's body is JSON ({@code application/json} or a {@code +json} type). */
  public static boolean isJson(HttpHeaders headers) {
    String type = headers.get(HttpHeaderNames.CONTENT_TYPE);
    if (type == null) {
      return false;
    }
    int semi = type.indexOf(';');
    String media = (semi < 0 ? type : type.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
    return media.equals("application/json")
        || media.endsWith("+json")
        || media.equals("application/x-ndjson")
        || media.equals("application/jsonl")
        || media.equals("text/json");
  }

  private static Set<String> connectionTokens(HttpHeaders headers) {
    Set<String> tokens = new HashSet<>();
    for (String value : headers.getAll(HttpHeaderNames.CONNECTION)) {
      for (String t : value.split(",")) {
        String token = t.trim().toLowerCase(Locale.ROOT);
        if (!token.isEmpty()) {
          tokens.add(token);
        }
      }
    }
    return tokens;
  }
}
