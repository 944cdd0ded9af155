package io.hoop.engine.http.proxy;

import static io.hoop.engine.http.testing.HttpTunnels.rule;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hoop.engine.http.HttpRequestBlocked;
import io.hoop.engine.http.HttpRequestStep;
import io.hoop.engine.http.testing.HttpTunnels;
import io.hoop.engine.http.testing.RawHttp;
import io.hoop.engine.http.testing.TargetServer;
import io.hoop.engine.http.testing.TestPki;
import io.hoop.engine.http.testing.WebSocketTarget;
import io.hoop.tunnel.engine.Holds;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The http engine end to end with real parts: a JDK HTTPS target with a test CA, the real tunnel
 * (broker side and client side), and the JDK HttpClient, curl and raw sockets as clients.
 */
class HttpEngineIT {
  private static final String TOKEN = "role-token-0123456789";

  @TempDir Path dir;
  private TestPki pki;
  private TestPki.Issued leaf;
  private TargetServer target;
  private HttpTunnels tunnels;
  private Path tokenFile;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();

  static List<Map<String, Object>> rules() {
    return List.of(
        rule("/api/orders/**", "deny", "DELETE"),
        rule("/api/refunds/**", "review", "POST"),
        rule("/api/**", "allow", "GET", "HEAD", "POST", "PUT"),
        rule("/admin/**", "deny", "*"),
        rule("/ws", "allow", "GET"));
  }

  static List<Map<String, Object>> masking() {
    return List.of(
        Map.of("field", "ssn", "style", "partial"),
        Map.of("field", "password"),
        Map.of("pointer", "/people/*/card/number", "style", "hash"),
        Map.of("pointer", "/meta/token"));
  }

  @BeforeEach
  void start() throws Exception {
    pki = TestPki.create(dir, "test-ca");
    leaf = pki.issue("localhost");
    target = new TargetServer(pki.context(leaf), false);
    tokenFile = dir.resolve("ops.token");
    Files.writeString(tokenFile, TOKEN + "\n");
    Files.setPosixFilePermissions(tokenFile, PosixFilePermissions.fromString("rw-------"));
    tunnels = tunnels(target.address(), pki.ca.certPem());
  }

  private HttpTunnels tunnels(InetSocketAddress upstream, Path ca) throws Exception {
    return new HttpTunnels(
        dir,
        upstream,
        "localhost",
        HttpTunnels.section(ca, tokenFile, rules(), Map.of("masking", masking())));
  }

  @AfterEach
  void stop() throws Exception {
    if (tunnels != null) {
      tunnels.close();
    }
    target.close();
  }

  private URI uri(InetSocketAddress local, String path) {
    return URI.create("http://127.0.0.1:" + local.getPort() + path);
  }

  @Test
  void injectsTheRoleCredentialDropsTheClientsAndMasksJsonAtEveryDepth() throws Exception {
    InetSocketAddress local = tunnels.local();
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(uri(local, "/api/people"))
                .header("Authorization", "Bearer stolen-or-forged")
                .header("Cookie", "session=forged")
                .header("X-HTTP-Method-Override", "DELETE")
                .header("X-Original-URL", "/admin/users")
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    TargetServer.Seen seen = target.seen.poll(5, TimeUnit.SECONDS);
    assertThat(seen).isNotNull();
    assertThat(seen.header("authorization")).isEqualTo("Bearer " + TOKEN);
    assertThat(seen.header("cookie")).isNull();
    assertThat(seen.header("x-http-method-override")).isNull();
    assertThat(seen.header("x-original-url")).isNull();
    assertThat(seen.header("host")).isEqualTo("localhost:" + target.address().getPort());
    assertThat(seen.header("accept-encoding")).isEqualTo("identity");

    String body = response.body();
    assertThat(body).doesNotContain(TOKEN);
    assertThat(response.headers().firstValue("set-cookie")).isEmpty();
    assertThat(response.headers().firstValue("content-length")).isEmpty();
    assertThat(body)
        .doesNotContain("123-45-6789", "987-65-4321", "hunter2", "4111111111111111")
        .doesNotContain("5500000000000004", "nested")
        .contains("\"ssn\":\"*******6789\"", "\"ssn\":\"*******4321\"")
        .contains("\"password\":\"****\"", "\"token\":\"****\"")
        .contains("\"cvv\":123", "\"count\":2", "\"ok\":true", "\"none\":null", "\"name\":\"Ada\"")
        .containsPattern("\"number\":\"hash:[0-9a-f]{16}\"");

    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> !tunnels.events(HttpRequestStep.class).isEmpty());
    HttpRequestStep step = tunnels.events(HttpRequestStep.class).get(0);
    assertThat(step.method()).isEqualTo("GET");
    assertThat(step.path()).isEqualTo("/api/people");
    assertThat(step.status()).isEqualTo(200);
    assertThat(step.maskedFields()).isEqualTo(6);
    assertThat(step.responseBytes()).isEqualTo(body.getBytes(StandardCharsets.UTF_8).length);
    assertThat(step.rule()).isEqualTo("roles.ops.rules[2]");
    assertThat(step.statement(1).blocked()).isFalse();
  }

  @Test
  void nonJsonPassesThroughUnchangedWithItsLength() throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(uri(tunnels.local(), "/api/text")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo(TargetServer.PEOPLE);
    assertThat(response.headers().firstValue("content-length"))
        .contains(Integer.toString(TargetServer.PEOPLE.length()));
  }

  @Test
  void keepAliveReusesOneTunnelAndOneTargetConnection() throws Exception {
    InetSocketAddress local = tunnels.local();
    for (int i = 0; i < 5; i++) {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(uri(local, "/api/items/" + i)).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).contains("/api/items/" + i);
    }
    List<TargetServer.Seen> seen = new ArrayList<>();
    target.seen.drainTo(seen);
    assertThat(seen).hasSize(5);
    assertThat(seen.stream().map(TargetServer.Seen::remotePort).distinct()).hasSize(1);
    assertThat(tunnels.harness.tunnels.activeTunnels()).isEqualTo(1);
  }

  @Test
  void headAnswersCarryNoBodyAndKeepTheConnection() throws Exception {
    String text =
        RawHttp.exchange(
            tunnels.local(),
            "HEAD /api/people HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET /api/a HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assertThat(text.split("HTTP/1.1 200 OK", -1)).hasSize(3);
    assertThat(text).doesNotContain("Ada").contains("/api/a");
  }

  @Test
  void aClientCertificateRoleIsPresentedToTheTarget() throws Exception {
    target.close();
    target = new TargetServer(pki.context(leaf), true);
    tunnels.close();
    TestPki.Issued client = pki.issue("hoop-ops-client");
    Map<String, Object> role =
        Map.of(
            "clientCert",
            Map.of("certFile", client.certPem().toString(), "keyFile", client.keyPem().toString()),
            "rules",
            rules());
    tunnels =
        new HttpTunnels(
            dir,
            target.address(),
            "localhost",
            Map.of(
                "caFile", pki.ca.certPem().toString(),
                "serverName", "localhost",
                "roles", Map.of("ops", role)));
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(uri(tunnels.local(), "/api/a")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    TargetServer.Seen seen = target.seen.poll(5, TimeUnit.SECONDS);
    assertThat(seen.clientCert()).isEqualTo("CN=hoop-ops-client");
    assertThat(seen.header("authorization")).isNull();
  }

  @Test
  void pipelinedRequestsAreAnsweredInOrder() throws Exception {
    String text =
        RawHttp.exchange(
            tunnels.local(),
            "GET /api/a HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET /api/b HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET /api/c HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assertThat(text.split("HTTP/1.1 200 OK", -1)).hasSize(4);
    assertThat(text.indexOf("/api/a")).isLessThan(text.indexOf("/api/b"));
    assertThat(text.indexOf("/api/b")).isLessThan(text.indexOf("/api/c"));
  }

  @Test
  void deniedByRuleNamesTheRuleAndNeverReachesTheTarget() throws Exception {
    InetSocketAddress local = tunnels.local();
    HttpResponse<String> denied =
        http.send(
            HttpRequest.newBuilder(uri(local, "/api/orders/7")).DELETE().build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(denied.statusCode()).isEqualTo(403);
    assertThat(denied.body()).contains("roles.ops.rules[0]").contains("request_refused");
    HttpResponse<String> unmatched =
        http.send(
            HttpRequest.newBuilder(uri(tunnels.local(), "/other")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(unmatched.statusCode()).isEqualTo(403);
    assertThat(unmatched.body()).contains("roles.ops.default");
    assertThat(target.seen).isEmpty();
    List<HttpRequestBlocked> blocked = tunnels.events(HttpRequestBlocked.class);
    assertThat(blocked)
        .extracting(HttpRequestBlocked::rule)
        .containsExactly("roles.ops.rules[0]", "roles.ops.default");
    assertThat(blocked.get(0).detail()).isEqualTo("DELETE /api/orders/7");
    assertThat(blocked.get(0).statement(1).blocked()).isTrue();
  }

  @Test
  void hostilePathsAreRefusedOrResolvedNeverSmuggledPastTheRules() throws Exception {
    // deny /admin/** and the default deny must hold whatever the spelling
    List<String> hostile =
        List.of(
            "/admin/users",
            "/%61dmin/users",
            "/api/../admin/users",
            "/api/%2e%2e/admin/users",
            "/api/%2E%2E/admin/users",
            "/api/.%2e/admin/users",
            "/api/./../admin/users",
            "//admin/users",
            "/api//admin/users",
            "/api;x/../admin/users",
            "/api;/people",
            "/api/x%2F..%2F..%2Fadmin/users",
            "/api/x%2fadmin",
            "/api/x%5c..%5cadmin",
            "/api\\..\\admin/users",
            "/ADMIN/users",
            "/Api/people",
            "/api/%00/people",
            "/api/%zz",
            "http://localhost/admin/users",
            "*",
            "/api/people#frag");
    for (String path : hostile) {
      String text =
          RawHttp.exchange(tunnels.local(), "GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(RawHttp.status(text)).as(path).isIn(400, 403);
      assertThat(text).as(path).contains("\"error\":\"request_refused\"");
    }
    assertThat(target.seen).as("nothing reached the target").isEmpty();
    assertThat(tunnels.events(HttpRequestBlocked.class)).hasSize(hostile.size());

    // an encoded unreserved character is decoded: the target gets the path the rule checked
    String ok =
        RawHttp.exchange(
            tunnels.local(),
            "GET /%61pi/peop%6Ce?q=%2F HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assertThat(RawHttp.status(ok)).isEqualTo(200);
    assertThat(target.seen.poll(5, TimeUnit.SECONDS).uri()).isEqualTo("/api/people?q=%2F");
  }

  @Test
  void framingTheBrokerAndTheTargetCouldReadDifferentlyIsRefused() throws Exception {
    Map<String, Integer> cases = new java.util.LinkedHashMap<>();
    cases.put(
        "POST /api/upload HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        400);
    cases.put(
        "POST /api/upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n",
        400);
    cases.put(
        "POST /api/upload HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!",
        400);
    cases.put(
        "POST /api/upload HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello",
        400);
    cases.put("POST /api/upload HTTP/1.1\r\nHost: x\r\nContent-Length: 5, 5\r\n\r\nhello", 400);
    cases.put("POST /api/upload HTTP/1.1\r\nHost: x\r\nContent-Length: +5\r\n\r\nhello", 400);
    cases.put(
        "POST /api/upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
        400);
    cases.put(
        "POST /api/upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: xchunked\r\n\r\n0\r\n\r\n",
        400);
    cases.put(
        "POST /api/upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        400);
    cases.put("GET /api/a HTTP/1.1\r\nHost: x\r\nX A: b\r\n\r\n", 400);
    cases.put("GET /api/a HTTP/1.1\r\nHost: x\r\nX-A : b\r\n\r\n", 400);
    cases.put("GET /api/a HTTP/1.1\r\nHost: x\r\nX-A: a\u0001b\r\n\r\n", 400);
    cases.put("GET /api/a HTTP/1.1\nHost: x\n\n", 400);
    cases.put("GET /api/a HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n", 400);
    cases.put("GET /api/a HTTP/1.1\r\n\r\n", 400);
    cases.put("get /api/a HTTP/1.1\r\nHost: x\r\n\r\n", 400);
    cases.put("GET /api/a HTTP/1.0\r\nHost: x\r\n\r\n", 505);
    cases.put("GET /api/a HTTP/1.1\r\nHost: x\r\nExpect: magic\r\n\r\n", 417);
    cases.put("TRACE /api/a HTTP/1.1\r\nHost: x\r\n\r\n", 405);
    cases.put("CONNECT localhost:22 HTTP/1.1\r\nHost: x\r\n\r\n", 405);
    cases.put("GET /api/a HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(40_000) + "\r\n\r\n", 431);
    cases.put("GET /api/" + "a".repeat(9000) + " HTTP/1.1\r\nHost: x\r\n\r\n", 414);
    for (Map.Entry<String, Integer> c : cases.entrySet()) {
      String text = RawHttp.exchange(tunnels.local(), c.getKey());
      String label = c.getKey().substring(0, Math.min(120, c.getKey().length()));
      assertThat(RawHttp.status(text)).as(label).isEqualTo(c.getValue());
      assertThat(text).as(label).containsIgnoringCase("connection: close");
    }
    assertThat(target.seen).as("nothing reached the target").isEmpty();

    // obs-fold is replaced by a space (RFC 9112 5.2): the target never sees a folded line
    String folded =
        RawHttp.exchange(
            tunnels.local(),
            "GET /api/a HTTP/1.1\r\nHost: x\r\nX-A: a\r\n b\r\nConnection: close\r\n\r\n");
    assertThat(RawHttp.status(folded)).isEqualTo(200);
    assertThat(target.seen.poll(5, TimeUnit.SECONDS).header("x-a")).isEqualTo("a b");
  }

  @Test
  void requestBodiesStreamFixedAndChunked() throws Exception {
    byte[] body = new byte[5 * 1024 * 1024];
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(uri(tunnels.local(), "/api/upload"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("\"received\":" + body.length);
    String chunked =
        RawHttp.exchange(
            tunnels.local(),
            "POST /api/upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                + "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
    assertThat(chunked).contains("\"received\":11");
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> tunnels.events(HttpRequestStep.class).size() == 2);
    assertThat(tunnels.events(HttpRequestStep.class).get(0).requestBytes()).isEqualTo(body.length);
  }

  @Test
  void expectContinueIsAnsweredByTheBrokerOnlyForAllowedRequests() throws Exception {
    String allowed =
        RawHttp.exchange(
            tunnels.local(),
            "PUT /api/upload HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\nConnection: close\r\n\r\nhello");
    assertThat(allowed).startsWith("HTTP/1.1 100 Continue").contains("\"received\":5");
    String denied =
        RawHttp.exchange(
            tunnels.local(),
            "PUT /admin/x HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
    assertThat(RawHttp.status(denied)).isEqualTo(403);
    assertThat(denied).doesNotContain("100 Continue");
  }

  @Test
  void reviewHoldsTheRequestUntilApprovedAndRefusesOtherwise() throws Exception {
    List<Holds.HoldRequest> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
    CompletableFuture<Holds.Decision> decision = new CompletableFuture<>();
    tunnels.holds =
        request -> {
          asked.add(request);
          return CompletableFuture.completedFuture(hold(decision));
        };
    CompletableFuture<HttpResponse<String>> pending =
        http.sendAsync(
            HttpRequest.newBuilder(uri(tunnels.local(), "/api/refunds/9"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"amount\":10}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    await().atMost(Duration.ofSeconds(5)).until(() -> asked.size() == 1);
    assertThat(asked.get(0).operation()).isEqualTo("POST /api/refunds/9");
    assertThat(asked.get(0).rule()).isEqualTo("roles.ops.rules[1]");
    Thread.sleep(300);
    assertThat(target.seen).as("held, not forwarded").isEmpty();
    decision.complete(new Holds.Decision(true, "bob", ""));
    assertThat(pending.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    assertThat(target.seen.poll(5, TimeUnit.SECONDS).bodyBytes()).isEqualTo(13);

    tunnels.holds =
        request ->
            CompletableFuture.completedFuture(
                hold(
                    CompletableFuture.completedFuture(
                        new Holds.Decision(false, "bob", "not today"))));
    HttpResponse<String> refused =
        http.send(
            HttpRequest.newBuilder(uri(tunnels.local(), "/api/refunds/9"))
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.body()).contains("not approved by bob: not today");

    tunnels.holds = Holds.NONE;
    HttpResponse<String> noReview =
        http.send(
            HttpRequest.newBuilder(uri(tunnels.local(), "/api/refunds/9"))
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(noReview.statusCode()).isEqualTo(403);
    assertThat(noReview.body()).contains("needs a review, which failed");
    assertThat(target.seen).isEmpty();
  }

  private static Holds.Hold hold(CompletionStage<Holds.Decision> decision) {
    return new Holds.Hold() {
      @Override
      public String id() {
        return "h-1";
      }

      @Override
      public String notice() {
        return "hold h-1";
      }

      @Override
      public CompletionStage<Holds.Decision> decision() {
        return decision;
      }

      @Override
      public void cancel() {}
    };
  }

  @Test
  void aTargetWhoseCertificateTheCaFileDoesNotTrustIsRefusedWithAClearError() throws Exception {
    tunnels.close();
    TestPki other = TestPki.create(dir, "other-ca");
    tunnels = tunnels(target.address(), other.ca.certPem());
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(uri(tunnels.local(), "/api/people")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(502);
    assertThat(r.body())
        .contains("target_unreachable", "TLS with target orders-api", "checked against caFile");
    assertThat(target.seen).isEmpty();
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> !tunnels.events(HttpRequestStep.class).isEmpty());
    assertThat(tunnels.events(HttpRequestStep.class).get(0).error()).contains("TLS with target");
  }

  @Test
  void aCertificateForAnotherNameIsRefused() throws Exception {
    target.close();
    target = new TargetServer(pki.context(pki.issue("not-the-target.example")), false);
    tunnels.close();
    tunnels = tunnels(target.address(), pki.ca.certPem());
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(uri(tunnels.local(), "/api/people")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(502);
    assertThat(r.body()).contains("TLS with target orders-api", "server name localhost");
  }

  @Test
  void aTargetThatIsDownIsA502NamingIt() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    tunnels.close();
    tunnels = tunnels(new InetSocketAddress("127.0.0.1", port), pki.ca.certPem());
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(uri(tunnels.local(), "/api/people")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(502);
    // "cannot connect to target ..."; on a busy machine another process may take the freed port
    // first, and then it is a TLS failure with that process: a 502 naming the target either way.
    assertThat(r.body())
        .contains("target_unreachable")
        .contains("target orders-api at localhost:" + port);
  }

  @Test
  void revokeAnswersTheWaitingRequestWithA503NamingTheGrant() throws Exception {
    InetSocketAddress local = tunnels.local();
    CompletableFuture<String> answer =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return RawHttp.exchange(local, "GET /api/slow HTTP/1.1\r\nHost: x\r\n\r\n");
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
    await().atMost(Duration.ofSeconds(5)).until(() -> !target.seen.isEmpty());
    tunnels.harness.tunnels.closeGrant(
        HttpTunnels.GRANT, "grant_revoked", "hoop: grant g-http for task T-1 was revoked");
    String text = answer.get(10, TimeUnit.SECONDS);
    assertThat(RawHttp.status(text)).isEqualTo(503);
    assertThat(text).contains("grant_ended", "grant g-http for task T-1 was revoked");
  }

  @Test
  void curlThroughTheTunnel() throws Exception {
    InetSocketAddress local = tunnels.local();
    String base = "http://127.0.0.1:" + local.getPort();
    Proc ok = curl("-sS", "-i", "-H", "Authorization: Bearer forged", base + "/api/people");
    assertThat(ok.out).startsWith("HTTP/1.1 200").contains("\"ssn\":\"*******6789\"");
    assertThat(ok.out).doesNotContain(TOKEN, "123-45-6789", "target-secret");
    assertThat(target.seen.poll(5, TimeUnit.SECONDS).header("authorization"))
        .isEqualTo("Bearer " + TOKEN);
    Proc denied = curl("-sS", "-i", "-X", "DELETE", base + "/api/orders/1");
    assertThat(denied.out).startsWith("HTTP/1.1 403").contains("roles.ops.rules[0]");
    Proc dots = curl("-sS", "-i", "--path-as-is", base + "/api/../admin/users");
    assertThat(dots.out).startsWith("HTTP/1.1 400").contains("dot segment");
    Proc upload = curl("-sS", "-i", "--data-binary", "@" + tokenFile, base + "/api/upload");
    assertThat(upload.out).contains("\"received\":" + Files.size(tokenFile));
    assertThat(target.seen.stream().filter(s -> s.uri().contains("admin"))).isEmpty();
  }

  @Test
  void contentDetectorsMaskEmailsAndCardsAtAnyDepthAndLeaveLuhnFailuresAlone() throws Exception {
    tunnels.close();
    tunnels =
        new HttpTunnels(
            dir,
            target.address(),
            "localhost",
            HttpTunnels.section(
                pki.ca.certPem(),
                tokenFile,
                rules(),
                Map.of("detectors", List.of("email", "card"), "detectorStyle", "partial")));
    InetSocketAddress local = tunnels.local();
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(uri(local, "/api/contacts")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    String body = response.body();
    assertThat(body)
        .doesNotContain("ada@example.com", "bob@example.org", "4111 1111 1111 1111", "u0040")
        .contains("\"reach ***********.com today\"")
        .contains("\"paid with ***************1111, thanks\"")
        .contains("\"alt\":\"***********.org\"")
        .contains("\"order\":\"4111 1111 1111 1112\"", "\"plain\":\"nothing here\"");
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> !tunnels.events(HttpRequestStep.class).isEmpty());
    assertThat(tunnels.events(HttpRequestStep.class).get(0).maskedFields()).isEqualTo(3);

    Proc curl = curl("-sS", "http://127.0.0.1:" + tunnels.local().getPort() + "/api/contacts");
    assertThat(curl.exit).isZero();
    assertThat(curl.out)
        .doesNotContain("ada@example.com", "bob@example.org", "4111 1111 1111 1111")
        .contains("\"order\":\"4111 1111 1111 1112\"");
  }

  private record Proc(int exit, String out) {}

  private Proc curl(String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add("curl");
    command.add("--max-time");
    command.add("20");
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return new Proc(p.exitValue(), out);
  }

  @Test
  void webSocketUpgradesPassThroughAndAreRecordedWithTheirSizes() throws Exception {
    try (WebSocketTarget ws = new WebSocketTarget(pki.issue("localhost"))) {
      tunnels.close();
      tunnels = tunnels(ws.address(), pki.ca.certPem());
      java.util.concurrent.BlockingQueue<String> received =
          new java.util.concurrent.LinkedBlockingQueue<>();
      WebSocket socket =
          http.newWebSocketBuilder()
              .buildAsync(
                  URI.create("ws://127.0.0.1:" + tunnels.local().getPort() + "/ws"),
                  new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(
                        WebSocket webSocket, CharSequence data, boolean last) {
                      received.add(data.toString());
                      webSocket.request(1);
                      return null;
                    }
                  })
              .get(10, TimeUnit.SECONDS);
      socket.sendText("hello", true).get(5, TimeUnit.SECONDS);
      assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo("echo: hello");
      socket.sendText("again", true).get(5, TimeUnit.SECONDS);
      assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo("echo: again");
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> !tunnels.events(HttpRequestStep.class).isEmpty());
      HttpRequestStep step = tunnels.events(HttpRequestStep.class).get(0);
      assertThat(step.status()).isEqualTo(101);
      assertThat(step.path()).isEqualTo("/ws");
      assertThat(step.requestBytes()).isGreaterThan(10);
      assertThat(step.responseBytes()).isGreaterThan(20);
    }
    // a denied upgrade never reaches the target
    String denied =
        RawHttp.exchange(
            tunnels.local(),
            "GET /admin/ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
                + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n");
    assertThat(RawHttp.status(denied)).isEqualTo(403);
  }
}
