package io.hoop.testkit.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoop.testkit.BrokerFixture;
import io.hoop.testkit.PostgresCluster;
import io.hoop.tunnel.tls.Tls;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /healthz}, {@code /readyz} and {@code /metrics} on a real broker: readiness follows the
 * PostgreSQL store down and back up, on the TLS port and on the plain diagnostics listener; hostile
 * requests to the new endpoints get short refusals and leave the broker serving.
 */
class OpsEndpointsIT {
  private static final String PASSWORD = "Pg-ready-s3cret";

  @TempDir Path dir;

  private String config(PostgresCluster pg) throws Exception {
    Path pw = dir.resolve("store-password");
    Files.writeString(pw, PASSWORD + "\n");
    Files.setPosixFilePermissions(pw, PosixFilePermissions.fromString("rw-------"));
    return """
        diagnostics:
          listen: 127.0.0.1:0
        store:
          url: postgresql://%s:%d/hoop
          user: hoop
          passwordFile: %s
        devIdp:
          users:
            - username: alice
              groups: [engineering]
        targets:
          - name: db
            type: tcp
            address: 127.0.0.1:1
        entitlements:
          - group: engineering
            targets: [db]
            reviewedBy: carol
            reviewExpiresAt: 2099-01-01T00:00:00Z
        """
        .formatted(pg.host(), pg.port(), pw);
  }

  private static final String H2_CONFIG =
      """
      diagnostics:
        listen: 127.0.0.1:0
      devIdp:
        users:
          - username: alice
            groups: [engineering]
      targets:
        - name: db
          type: tcp
          address: 127.0.0.1:1
      entitlements:
        - group: engineering
          targets: [db]
          reviewedBy: carol
          reviewExpiresAt: 2099-01-01T00:00:00Z
      """;

  static HttpClient tls(BrokerFixture broker) {
    return HttpClient.newBuilder()
        .sslContext(Tls.jdkClientPinned(broker.fingerprint()))
        .connectTimeout(Duration.ofSeconds(5))
        .build();
  }

  static HttpResponse<String> get(HttpClient http, String url) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String diag(BrokerFixture broker) {
    return "http://127.0.0.1:" + broker.server().diagnosticsPort().orElseThrow();
  }

  /** Polls {@code url} until its response matches, for at most {@code within}. */
  static HttpResponse<String> until(
      HttpClient http, String url, Predicate<HttpResponse<String>> ok, Duration within)
      throws Exception {
    long end = System.nanoTime() + within.toNanos();
    HttpResponse<String> last;
    do {
      last = get(http, url);
      if (ok.test(last)) {
        return last;
      }
      Thread.sleep(200);
    } while (System.nanoTime() < end);
    throw new AssertionError(
        url
            + " never matched within "
            + within
            + "; last: "
            + last.statusCode()
            + " "
            + last.body());
  }

  @Test
  void readyzGoes503WhenThePostgresStoreStopsAnd200WhenItIsBack() throws Exception {
    try (PostgresCluster pg = PostgresCluster.start(PostgresCluster.HostAuth.SCRAM_SHA_256)) {
      pg.createRole("hoop", PASSWORD);
      pg.execSql("CREATE DATABASE hoop OWNER hoop");
      try (BrokerFixture broker = BrokerFixture.start(config(pg))) {
        HttpClient https = tls(broker);
        HttpClient plain = HttpClient.newHttpClient();
        for (var probe : new String[] {broker.url() + "/readyz", diag(broker) + "/readyz"}) {
          HttpResponse<String> r = get(probe.startsWith("https") ? https : plain, probe);
          assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
          assertThat(r.body())
              .isEqualTo("{\"status\":\"ready\",\"checks\":{\"store\":\"ok\",\"keys\":\"ok\"}}");
          assertThat(r.headers().firstValue("cache-control")).contains("no-store");
        }

        pg.stop();
        long start = System.nanoTime();
        HttpResponse<String> down =
            until(
                https,
                broker.url() + "/readyz",
                r -> r.statusCode() == 503,
                Duration.ofSeconds(15));
        assertThat(Duration.ofNanos(System.nanoTime() - start))
            .as("noticed within the readiness timeout and its cache")
            .isLessThan(Duration.ofSeconds(8));
        assertThat(down.body())
            .startsWith("{\"status\":\"not_ready\",\"checks\":{\"store\":")
            .contains("\"keys\":")
            .doesNotContain(PASSWORD)
            .doesNotContain(String.valueOf(pg.port()))
            .doesNotContain("Exception")
            .doesNotContain("hoop@");
        assertThat(get(plain, diag(broker) + "/readyz").statusCode()).isEqualTo(503);
        // Alive all the same: a liveness probe must not restart a broker whose store is down.
        assertThat(get(https, broker.url() + "/healthz").statusCode()).isEqualTo(200);
        HttpResponse<String> metrics = get(plain, diag(broker) + "/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body())
            .containsPattern("hoop_readiness_failures_total\\{check=\"store\"\\} [1-9]")
            .containsPattern("hoop_readiness_failures_total\\{check=\"keys\"\\} 0.0");

        pg.restart();
        until(https, broker.url() + "/readyz", r -> r.statusCode() == 200, Duration.ofSeconds(30));
        assertThat(get(plain, diag(broker) + "/readyz").statusCode()).isEqualTo(200);
      }
    }
  }

  @Test
  void theNewEndpointsRefuseOtherMethodsIgnoreQueriesAndSurviveHostileRequests() throws Exception {
    try (BrokerFixture broker = BrokerFixture.start(H2_CONFIG)) {
      HttpClient https = tls(broker);
      for (String path : new String[] {"/healthz", "/readyz", "/metrics"}) {
        for (String method : new String[] {"POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"}) {
          HttpResponse<String> r =
              https.send(
                  HttpRequest.newBuilder(URI.create(broker.url() + path))
                      .method(method, HttpRequest.BodyPublishers.ofString("{}"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
          assertThat(r.statusCode()).as(method + " " + path).isEqualTo(405);
        }
        HttpResponse<String> q =
            get(https, broker.url() + path + "?verbose=1&x=%00%ff&x=2&" + "a".repeat(1000));
        assertThat(q.statusCode()).as(path + " with a query").isEqualTo(200);
      }
      assertThat(get(https, broker.url() + "/metrics/../v1/whoami").statusCode()).isNotEqualTo(200);
      assertThat(get(https, broker.url() + "/readyz/").statusCode()).isEqualTo(404);

      HttpResponse<String> huge =
          https.send(
              HttpRequest.newBuilder(URI.create(broker.url() + "/readyz"))
                  .header("X-Pad", "p".repeat(64 * 1024))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(huge.statusCode()).as("a 64 KiB header").isIn(400, 413, 431);

      int port = broker.server().diagnosticsPort().orElseThrow();
      // Raw bytes on the plain listener: junk, an endless header, a request line over the limit.
      assertThat(raw(port, "\u0000\u0001\u0002 garbage\r\n\r\n")).startsWith("HTTP/1.1 400");
      assertThat(
              raw(
                  port,
                  "GET /metrics HTTP/1.1\r\nHost: x\r\nX-A: " + "b".repeat(40_000) + "\r\n\r\n"))
          .startsWith("HTTP/1.1 400");
      assertThat(raw(port, "GET /" + "c".repeat(10_000) + " HTTP/1.1\r\nHost: x\r\n\r\n"))
          .matches("(?s)HTTP/1.1 (400|414).*");
      // The diagnostics listener serves the three endpoints and nothing of the API.
      String api =
          raw(port, "GET /v1/auth/config HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
      assertThat(api).startsWith("HTTP/1.1 404");
      assertThat(raw(port, "GET /dev-idp/device HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))
          .startsWith("HTTP/1.1 404");

      // Still serving after all of it, on both ports.
      assertThat(get(https, broker.url() + "/readyz").statusCode()).isEqualTo(200);
      assertThat(get(HttpClient.newHttpClient(), diag(broker) + "/healthz").body())
          .isEqualTo("{\"status\":\"ok\"}");
    }
  }

  @Test
  void metricsNameNoPrincipalGrantOrTokenAfterGrants() throws Exception {
    try (BrokerFixture broker = BrokerFixture.start(H2_CONFIG)) {
      String token = broker.login("alice");
      String grant =
          broker.send(
              "POST",
              "/v1/grants",
              "{\"target\":\"db\",\"task\":\"OPS-7\"}",
              "application/json",
              token);
      assertThat(grant).contains("\"APPROVED\"");
      String grantId = io.hoop.api.Json.mapper().readTree(grant).path("id").asText();
      assertThat(grantId).isNotEmpty();
      String metrics = get(tls(broker), broker.url() + "/metrics").body();
      assertThat(metrics)
          .contains("hoop_grants_total{outcome=\"approved\",target=\"db\"} 1.0")
          .contains("hoop_grant_decision_seconds_count{outcome=\"approved\",target=\"db\"} 1")
          .contains("hoop_audit_appends_total")
          .doesNotContain("alice")
          .doesNotContain(grantId)
          .doesNotContain("OPS-7")
          .doesNotContain(token.substring(0, 20));
    }
  }

  /** Sends {@code request} as is and returns what came back before the broker closed or paused. */
  private static String raw(int port, String request) throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(5000);
      OutputStream out = s.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = s.getInputStream();
      byte[] buf = new byte[8192];
      StringBuilder sb = new StringBuilder();
      try {
        int n;
        while ((n = in.read(buf)) > 0) {
          sb.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
          if (sb.indexOf("\r\n\r\n") > 0) {
            break;
          }
        }
      } catch (java.net.SocketTimeoutException | java.net.SocketException e) {
        // What arrived is the answer.
      }
      return sb.toString();
    }
  }
}
