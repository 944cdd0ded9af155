package io.hoop.broker.identity;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.hoop.broker.http.ApiRequest;
import io.hoop.broker.http.ApiResponse;
import io.hoop.broker.http.Route;
import io.hoop.broker.tls.DevCertificate;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A real HTTPS server (the JDK's) on 127.0.0.1 that serves {@link Route}s the way the broker does,
 * adapting each {@link HttpExchange} to an {@link ApiRequest}.
 */
public final class TestHttpsServer implements AutoCloseable {
  private final HttpsServer server;
  private final Map<String, Route> routes = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();

  public TestHttpsServer(DevCertificate cert) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    char[] pw = "test".toCharArray();
    ks.setKeyEntry("broker", cert.privateKey(), pw, new Certificate[] {cert.certificate()});
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, pw);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), null, null);
    server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(ctx));
    server.createContext("/", this::handle);
    server.start();
  }

  public String baseUrl() {
    return "https://127.0.0.1:" + server.getAddress().getPort();
  }

  public void addRoutes(Map<String, Route> more) {
    routes.putAll(more);
  }

  /** How many requests reached {@code "METHOD /path"}. */
  public int hits(String key) {
    AtomicInteger n = hits.get(key);
    return n == null ? 0 : n.get();
  }

  private void handle(HttpExchange ex) throws IOException {
    try {
      String path = ex.getRequestURI().getPath();
      String key = ex.getRequestMethod() + " " + path;
      hits.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
      Route route = routes.get(key);
      ApiResponse response;
      if (route == null) {
        response = ApiResponse.html(404, "not found");
      } else {
        Map<String, String> headers = new HashMap<>();
        ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), v.get(0)));
        ApiRequest request =
            new ApiRequest(
                ex.getRequestMethod(),
                path,
                ApiRequest.parseUrlEncoded(ex.getRequestURI().getRawQuery()),
                headers,
                ex.getRequestBody().readAllBytes(),
                ex.getRemoteAddress(),
                baseUrl());
        try {
          response = route.handle(request);
        } catch (Exception e) {
          response = ApiResponse.html(500, e.toString());
        }
      }
      ex.getResponseHeaders().set("Content-Type", response.contentType());
      response.headers().forEach((k, v) -> ex.getResponseHeaders().set(k, v));
      byte[] body = response.body();
      ex.sendResponseHeaders(response.status(), body.length == 0 ? -1 : body.length);
      ex.getResponseBody().write(body);
    } finally {
      ex.close();
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }

  static String utf8(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
