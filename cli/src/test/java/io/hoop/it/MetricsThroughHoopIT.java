package io.hoop.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.hoop.api.Json;
import io.hoop.testkit.BrokerFixture;
import io.hoop.testkit.PostgresCluster;
import io.hoop.testkit.PostgresTarget;
import io.hoop.tunnel.tls.Tls;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /metrics} after real use: a grant through {@code hoop connect}, a psql session through the
 * tunnel with a statement the guardrails block and a masked column, a pgjdbc connection held open
 * (the live-tunnel gauge), a webhook delivered. The metrics name targets and engines only, and
 * every metric the Grafana dashboard in {@code docs/grafana} queries is in the live output.
 */
class MetricsThroughHoopIT {
  static final String PASSWORD = "metrics-Pa55-never-shown";
  static final Path DASHBOARD = Path.of("..", "docs", "grafana", "hoop-broker.json");

  static PostgresCluster pg;
  static BrokerFixture broker;
  static Path secrets;
  static HttpServer receiver;

  @TempDir Path home;

  @BeforeAll
  static void start() throws Exception {
    secrets = Files.createTempDirectory("hoop-metrics-");
    receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext(
        "/",
        ex -> {
          ex.getRequestBody().readAllBytes();
          ex.sendResponseHeaders(204, -1);
          ex.close();
        });
    receiver.start();
    pg = PostgresCluster.start(PostgresCluster.HostAuth.SCRAM_SHA_256);
    pg.createRole("app_ro", PASSWORD);
    pg.execSql("create database app owner app_ro");
    pg.execSql(
        "app",
        "create table customers (id int primary key, email text);"
            + " insert into customers values (1, 'alice@example.com'), (2, 'bob@example.org');"
            + " grant select on customers to app_ro;");
    String target =
        PostgresTarget.named("prod-db", pg.port(), secrets)
            .database("app")
            .role("readonly", "app_ro", PASSWORD)
            .defaultRole("readonly")
            .section(
                """
                guardrails:
                  default: {denyStatements: [DROP, TRUNCATE]}
                masking:
                  columns: [{column: "public.customers.email", style: redact}]
                """)
            .yaml();
    broker =
        BrokerFixture.start(
            """
            diagnostics:
              listen: 127.0.0.1:0
            devIdp:
              pollInterval: 1s
              users:
                - {username: alice, groups: [engineering]}
            targets:
            %s
            entitlements:
              - group: engineering
                targets: [prod-db]
                maxDuration: 1h
            notifications:
              webhooks:
                - name: ops-chat
                  url: http://127.0.0.1:%d/hook
            """
                .formatted(target, receiver.getAddress().getPort()));
  }

  @AfterAll
  static void stop() throws Exception {
    if (broker != null) {
      broker.close();
    }
    if (pg != null) {
      pg.close();
    }
    if (receiver != null) {
      receiver.stop(0);
    }
    if (secrets != null) {
      try (var s = Files.walk(secrets)) {
        s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  static String metrics() throws Exception {
    HttpClient http =
        HttpClient.newBuilder().sslContext(Tls.jdkClientPinned(broker.fingerprint())).build();
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(broker.url() + "/metrics")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("text/plain; version=0.0.4"));
    // The plain diagnostics listener serves the same registry.
    HttpResponse<String> diag =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(
                            "http://127.0.0.1:"
                                + broker.server().diagnosticsPort().orElseThrow()
                                + "/metrics"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(diag.statusCode()).isEqualTo(200);
    assertThat(diag.body()).contains("hoop_grants_total");
    return r.body();
  }

  /** The value of the sample {@code series} (name and labels exactly as exposed), or -1. */
  static double value(String text, String series) {
    for (String line : text.lines().toList()) {
      if (line.startsWith(series + " ")) {
        return Double.parseDouble(line.substring(series.length() + 1).strip());
      }
    }
    return -1;
  }

  @Test
  void aGrantAPsqlSessionAndAHeldConnectionShowInMetricsAndTheDashboardQueriesOnlyLiveMetrics()
      throws Exception {
    Map<String, String> env = HoopCli.env(home.resolve("hoop"));
    env.keySet().removeIf(k -> k.startsWith("PG"));
    HoopCli.login(broker, env, "alice", "default");
    Path sql = home.resolve("script.sql");
    Files.writeString(
        sql,
        """
        select 1 as first;
        drop table customers;
        select id, email from customers order by id;
        """);
    Path out = home.resolve("out.txt");
    Path portFile = home.resolve("port.txt");
    Path done = home.resolve("done");
    String psql = pg.psqlArgs().get(0) + " -X";
    CompletableFuture<HoopCli.Run> connect =
        CompletableFuture.supplyAsync(
            () ->
                HoopCli.run(
                    env,
                    null,
                    "connect",
                    "prod-db",
                    "--task",
                    "OPS-7",
                    "--",
                    "sh",
                    "-c",
                    // psql first, then hold the grant open for a pgjdbc connection until told (or
                    // until the test's directory is gone, so a failed test leaves nothing behind)
                    ("%s -At -o '%s' -f '%s' 2> '%s.err'; echo $PGPORT > '%s.tmp' && mv '%s.tmp'"
                            + " '%s'; while [ ! -e '%s' ] && [ -d '%s' ]; do sleep 0.1; done")
                        .formatted(psql, out, sql, out, portFile, portFile, portFile, done, home)));
    try {
      Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(portFile));
      assertThat(Files.readAllLines(out))
          .as("psql stderr: %s", Files.readString(Path.of(out + ".err")))
          .containsExactly("1", "1|****", "2|****");
      String afterPsql =
          Awaitility.await()
              .atMost(Duration.ofSeconds(10))
              .until(
                  MetricsThroughHoopIT::metrics,
                  m ->
                      value(
                              m,
                              "hoop_tunnel_relayed_bytes_total{direction=\"up\",engine=\"postgres\",target=\"prod-db\"}")
                          > 0);
      assertThat(value(afterPsql, "hoop_grants_total{outcome=\"approved\",target=\"prod-db\"}"))
          .isEqualTo(1.0);
      assertThat(
              value(
                  afterPsql,
                  "hoop_grant_decision_seconds_count{outcome=\"approved\",target=\"prod-db\"}"))
          .isEqualTo(1.0);
      assertThat(
              value(
                  afterPsql,
                  "hoop_engine_refusals_total{engine=\"postgres\",kind=\"statement\",target=\"prod-db\"}"))
          .as("the blocked DROP")
          .isEqualTo(1.0);
      assertThat(
              value(afterPsql, "hoop_masked_fields_total{engine=\"postgres\",target=\"prod-db\"}"))
          .isEqualTo(2.0);
      assertThat(
              value(afterPsql, "hoop_engine_steps_total{engine=\"postgres\",target=\"prod-db\"}"))
          .isGreaterThanOrEqualTo(3.0);
      assertThat(
              value(
                  afterPsql,
                  "hoop_tunnel_relayed_bytes_total{direction=\"up\",engine=\"postgres\",target=\"prod-db\"}"))
          .isGreaterThan(50);
      assertThat(
              value(
                  afterPsql,
                  "hoop_tunnel_relayed_bytes_total{direction=\"down\",engine=\"postgres\",target=\"prod-db\"}"))
          .isGreaterThan(50);
      assertThat(
              value(
                  afterPsql,
                  "hoop_tunnel_handshake_seconds_count{engine=\"postgres\",target=\"prod-db\"}"))
          .isGreaterThanOrEqualTo(1.0);
      assertThat(value(afterPsql, "hoop_tunnels_live{engine=\"postgres\",target=\"prod-db\"}"))
          .isEqualTo(0.0);
      assertThat(afterPsql)
          .containsPattern(
              "hoop_tunnels_closed_total\\{engine=\"postgres\",reason=\"[a-z_]+\",target=\"prod-db\"\\} 1.0");
      assertThat(value(afterPsql, "hoop_audit_appends_total"))
          .as("login, grant, tunnel open and close at least")
          .isGreaterThanOrEqualTo(4.0);

      int port = Integer.parseInt(Files.readString(portFile).strip());
      try (Connection c =
          DriverManager.getConnection(
              "jdbc:postgresql://127.0.0.1:" + port + "/app?user=hoop&sslmode=disable")) {
        try (Statement st = c.createStatement();
            ResultSet rs = st.executeQuery("select count(*) from customers")) {
          assertThat(rs.next()).isTrue();
        }
        try (Statement st = c.createStatement()) {
          st.execute("truncate customers");
          throw new AssertionError("the guardrails let TRUNCATE through");
        } catch (SQLException e) {
          assertThat(e.getSQLState()).isEqualTo("42501");
        }
        // /metrics serves one scrape for up to a second: wait for one taken after the refusal.
        String open =
            Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(
                    MetricsThroughHoopIT::metrics,
                    m ->
                        value(
                                m,
                                "hoop_engine_refusals_total{engine=\"postgres\",kind=\"statement\",target=\"prod-db\"}")
                            == 2.0);
        assertThat(value(open, "hoop_tunnels_live{engine=\"postgres\",target=\"prod-db\"}"))
            .as("the pgjdbc connection's tunnel")
            .isEqualTo(1.0);
        assertThat(
                value(
                    open,
                    "hoop_engine_refusals_total{engine=\"postgres\",kind=\"statement\",target=\"prod-db\"}"))
            .isEqualTo(2.0);
      }
      Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  value(metrics(), "hoop_tunnels_live{engine=\"postgres\",target=\"prod-db\"}")
                      == 0.0);
    } finally {
      Files.writeString(done, "");
    }
    HoopCli.Run r = connect.get(60, TimeUnit.SECONDS);
    assertThat(r.code()).as("connect stderr: %s", r.err()).isZero();

    String text =
        Awaitility.await()
            .atMost(Duration.ofSeconds(15))
            .until(
                MetricsThroughHoopIT::metrics,
                m ->
                    value(
                            m,
                            "hoop_webhook_deliveries_total{outcome=\"delivered\",webhook=\"ops-chat\"}")
                        >= 1);
    // No principal, grant, task, session or credential in any label or value.
    String grantId =
        Json.mapper()
            .readTree(HoopCli.run(env, null, "audit", "--task", "OPS-7", "-o", "json").out())
            .findValuesAsText("grantId")
            .stream()
            .filter(s -> !s.isEmpty())
            .findFirst()
            .orElse("no-grant-id");
    assertThat(text)
        .doesNotContain("alice")
        .doesNotContain("OPS-7")
        .doesNotContain(grantId)
        .doesNotContain(PASSWORD)
        .doesNotContain("app_ro");

    // A refused tunnel handshake: forged tokens, counted by its refusal code.
    try (javax.net.ssl.SSLSocket s =
        (javax.net.ssl.SSLSocket)
            Tls.jdkClientPinned(broker.fingerprint())
                .getSocketFactory()
                .createSocket("127.0.0.1", broker.port())) {
      s.setSoTimeout(10_000);
      byte[] body =
          Json.mapper()
              .writeValueAsBytes(
                  new io.hoop.tunnel.protocol.Handshake("forged.grant.token", "forged.session"));
      java.io.DataOutputStream o = new java.io.DataOutputStream(s.getOutputStream());
      o.write(new byte[] {'H', 'O', 'O', 'P'});
      o.writeInt(body.length);
      o.write(body);
      o.flush();
      assertThat(
              new String(
                  s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8))
          .contains("unauthenticated");
    }
    text =
        Awaitility.await()
            .atMost(Duration.ofSeconds(10))
            .until(
                MetricsThroughHoopIT::metrics,
                m -> value(m, "hoop_tunnels_refused_total{code=\"unauthenticated\"}") == 1.0);
    assertThat(value(text, "hoop_readiness_failures_total{check=\"store\"}")).isEqualTo(0.0);

    assertThat(dashboardMetrics()).isNotEmpty();
    Set<String> exposed = new TreeSet<>();
    for (String line : text.lines().toList()) {
      if (!line.startsWith("#") && !line.isBlank()) {
        exposed.add(line.split("[{ ]", 2)[0]);
      }
    }
    assertThat(exposed)
        .as("every metric the dashboard queries is exposed by a live broker")
        .containsAll(dashboardMetrics());
  }

  @Test
  void theDashboardIsValidJsonWhosePanelsAllQueryTheTemplatedDatasource() throws Exception {
    JsonNode d = Json.mapper().readTree(DASHBOARD.toFile());
    assertThat(d.path("uid").asText()).isEqualTo("hoop-broker");
    int queries = 0;
    for (JsonNode panel : d.path("panels")) {
      for (JsonNode t : panel.path("targets")) {
        queries++;
        assertThat(t.path("datasource").path("uid").asText()).isEqualTo("${datasource}");
        assertThat(t.path("expr").asText()).contains("instance=~\"$instance\"");
      }
    }
    assertThat(queries).isGreaterThan(20);
  }

  /** The metric names the dashboard's queries use. */
  static Set<String> dashboardMetrics() throws Exception {
    JsonNode d = Json.mapper().readTree(DASHBOARD.toFile());
    Pattern name = Pattern.compile("\\b((?:hoop|jvm|process|hikaricp)_[a-z0-9_]+)\\b");
    Set<String> names = new TreeSet<>();
    for (JsonNode expr : d.findValues("expr")) {
      Matcher m = name.matcher(expr.asText());
      while (m.find()) {
        names.add(m.group(1));
      }
    }
    return names;
  }
}
