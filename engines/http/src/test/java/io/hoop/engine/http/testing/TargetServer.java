package io.hoop.engine.http.testing;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * A real HTTPS target (the JDK's {@link HttpsServer}) on a loopback port, recording every request
 * it serves. Endpoints: {@code /api/people} (nested JSON with secrets), {@code /api/text} (the same
 * as text/plain), {@code /api/contacts} (free text for the content detectors), {@code
 * /api/big?mb=N} (N MB of streamed JSON), {@code /api/upload} (counts the body), everything else a
 * small JSON echo of method and path.
 */
public final class TargetServer implements AutoCloseable {
  /** One request as the target saw it. */
  public record Seen(
      String method,
      String uri,
      Map<String, List<String>> headers,
      int remotePort,
      long bodyBytes,
      String clientCert) {
    public String header(String name) {
      List<String> values = headers.get(name.toLowerCase(java.util.Locale.ROOT));
      return values == null ? null : String.join(",", values);
    }
  }

  public static final String PEOPLE =
      "{\"people\":[{\"name\":\"Ada\",\"ssn\":\"123-45-6789\",\"card\":{\"number\":\"4111111111111111\",\"cvv\":123}},"
          + "{\"name\":\"Bob\",\"ssn\":\"987-65-4321\",\"card\":{\"number\":\"5500000000000004\",\"cvv\":456},"
          + "\"tags\":[\"a\",{\"password\":\"hunter2\"}]}],"
          + "\"meta\":{\"token\":{\"nested\":[1,2,3]},\"count\":2,\"ok\":true,\"none\":null}}";

  /**
   * Free text for the content detectors, deep: an e-mail (once escaped), a card number passing Luhn
   * inside a sentence, and one that fails Luhn.
   */
  public static final String CONTACTS =
      "{\"a\":{\"b\":[{\"c\":{\"d\":[\"reach ada@example.com today\","
          + "{\"note\":\"paid with 4111 1111 1111 1111, thanks\"}]}},"
          + "{\"alt\":\"bob\\u0040example.org\",\"order\":\"4111 1111 1111 1112\","
          + "\"plain\":\"nothing here\"}]}}";

  public final BlockingQueue<Seen> seen = new LinkedBlockingQueue<>();
  private final HttpsServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();

  public TargetServer(SSLContext tls, boolean needClientAuth) throws IOException {
    server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setHttpsConfigurator(
        new HttpsConfigurator(tls) {
          @Override
          public void configure(HttpsParameters params) {
            javax.net.ssl.SSLParameters p = tls.getDefaultSSLParameters();
            p.setNeedClientAuth(needClientAuth);
            params.setSSLParameters(p);
          }
        });
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  public InetSocketAddress address() {
    return server.getAddress();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      long body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.transferTo(OutputStream.nullOutputStream());
      }
      Map<String, List<String>> headers = new TreeMap<>();
      exchange
          .getRequestHeaders()
          .forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), List.copyOf(v)));
      String cert = null;
      if (exchange instanceof HttpsExchange https) {
        try {
          cert =
              ((java.security.cert.X509Certificate) https.getSSLSession().getPeerCertificates()[0])
                  .getSubjectX500Principal()
                  .getName();
        } catch (SSLPeerUnverifiedException e) {
          cert = null;
        }
      }
      String uri = exchange.getRequestURI().getRawPath();
      if (exchange.getRequestURI().getRawQuery() != null) {
        uri += "?" + exchange.getRequestURI().getRawQuery();
      }
      seen.add(
          new Seen(
              exchange.getRequestMethod(),
              uri,
              headers,
              exchange.getRemoteAddress().getPort(),
              body,
              cert));
      String path = exchange.getRequestURI().getRawPath();
      Headers out = exchange.getResponseHeaders();
      out.add("Set-Cookie", "session=target-secret");
      if (path.equals("/api/people")) {
        send(exchange, 200, "application/json; charset=utf-8", PEOPLE);
      } else if (path.equals("/api/contacts")) {
        send(exchange, 200, "application/json", CONTACTS);
      } else if (path.equals("/api/text")) {
        send(exchange, 200, "text/plain", PEOPLE);
      } else if (path.equals("/api/big")) {
        String q = exchange.getRequestURI().getQuery();
        int mb = Integer.parseInt(q.substring(q.indexOf('=') + 1));
        big(exchange, mb);
      } else if (path.equals("/api/slow")) {
        try {
          Thread.sleep(3000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        send(exchange, 200, "application/json", "{\"slow\":true}");
      } else if (path.equals("/api/upload")) {
        send(exchange, 200, "application/json", "{\"received\":" + body + "}");
      } else {
        send(
            exchange,
            200,
            "application/json",
            "{\"method\":\"" + exchange.getRequestMethod() + "\",\"path\":\"" + path + "\"}");
      }
    }
  }

  private static void send(HttpExchange exchange, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    if (exchange.getRequestMethod().equals("HEAD")) {
      exchange.sendResponseHeaders(status, -1);
      return;
    }
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  /** {@code mb} MB of JSON, written as it is produced (chunked). */
  private static void big(HttpExchange exchange, int mb) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(200, 0);
    long target = mb * 1024L * 1024L;
    long written = 0;
    try (OutputStream out =
        new java.io.BufferedOutputStream(exchange.getResponseBody(), 64 * 1024)) {
      out.write("{\"items\":[".getBytes(StandardCharsets.US_ASCII));
      StringBuilder sb = new StringBuilder();
      for (int i = 0; written < target; i++) {
        sb.setLength(0);
        if (i > 0) {
          sb.append(',');
        }
        sb.append("{\"id\":")
            .append(i)
            .append(",\"name\":\"customer number ")
            .append(i)
            .append("\",\"ssn\":\"SECRET-")
            .append(100000 + i)
            .append("\",\"notes\":\"")
            .append("x".repeat(120))
            .append("\"}");
        byte[] bytes = sb.toString().getBytes(StandardCharsets.US_ASCII);
        out.write(bytes);
        written += bytes.length;
      }
      out.write("]}".getBytes(StandardCharsets.US_ASCII));
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
