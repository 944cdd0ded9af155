package io.hoop.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.hoop.broker.http.ApiRequest;
import io.hoop.broker.http.ApiResponse;
import io.hoop.broker.http.Route;
import io.hoop.broker.identity.devidp.DevIdentityProvider;
import io.hoop.broker.identity.devidp.DevUser;
import io.hoop.broker.tls.DevCertificate;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * An identity provider behind a private CA: the dev IdP served over HTTPS on 127.0.0.1 with a
 * self-signed certificate no JVM trusts by default ({@link #caPem()} is that CA).
 */
final class PrivateCaIdp implements AutoCloseable {
  private final HttpsServer server;
  private final DevCertificate cert;
  private final DevIdentityProvider idp;
  private final Map<String, Route> routes;

  PrivateCaIdp(Path dir, List<DevUser> users) throws Exception {
    cert = DevCertificate.loadOrCreate(dir);
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    char[] pw = "test".toCharArray();
    ks.setKeyEntry("idp", cert.privateKey(), pw, new Certificate[] {cert.certificate()});
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, pw);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), null, null);
    server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(ctx));
    idp =
        new DevIdentityProvider(
            baseUrl() + DevIdentityProvider.PATH,
            "hoop-cli",
            users,
            List.of(),
            Duration.ofMinutes(10),
            Duration.ofSeconds(1),
            Clock.systemUTC());
    routes = idp.routes();
    server.createContext("/", this::handle);
    server.start();
  }

  String baseUrl() {
    return "https://127.0.0.1:" + server.getAddress().getPort();
  }

  String issuer() {
    return idp.issuer();
  }

  Path caPem() {
    return cert.certPath();
  }

  /** Approves a user code on the verification page, trusting the private CA. */
  void approve(String userCode, String username) throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().sslContext(cert.trustingSelf()).build();
    String form =
        "user_code="
            + URLEncoder.encode(userCode, StandardCharsets.UTF_8)
            + "&username="
            + URLEncoder.encode(username, StandardCharsets.UTF_8)
            + "&action=approve";
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(issuer() + "/device"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException("verification page answered " + r.statusCode() + ": " + r.body());
    }
  }

  private void handle(HttpExchange ex) throws IOException {
    try {
      String path = ex.getRequestURI().getPath();
      Route route = routes.get(ex.getRequestMethod() + " " + path);
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
}
