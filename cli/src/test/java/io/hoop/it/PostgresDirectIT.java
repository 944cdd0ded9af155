package io.hoop.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.hoop.api.AuditEvent;
import io.hoop.api.Json;
import io.hoop.it.HoopCli.Run;
import io.hoop.testkit.BrokerFixture;
import io.hoop.testkit.PostgresCluster;
import io.hoop.testkit.PostgresTarget;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hoop connect --direct} with the real broker, its PostgreSQL port, the postgres engine, a
 * real PostgreSQL, real psql and pgjdbc: verify-full against the broker's certificate, SCRAM with a
 * grant-bound password, masking and guardrails as through a tunnel, the password dead after revoke
 * and expiry (live sessions cut), single-principal, 28P01 for a wrong one (audited), no plaintext,
 * hostile startups and SCRAM messages refused, and the password never in the broker's log.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PostgresDirectIT {
  private static final String RO_PASSWORD = "ro-Pa55-direct-upstream";

  /** Real time shifted by an offset that a test moves forward. */
  static final class MovableClock extends Clock {
    private final AtomicReference<Duration> offset = new AtomicReference<>(Duration.ZERO);

    void set(Instant to) {
      offset.set(Duration.between(Instant.now(), to));
    }

    @Override
    public Instant instant() {
      return Instant.now().plus(offset.get());
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException("UTC only");
    }
  }

  static final MovableClock CLOCK = new MovableClock();
  static final String LOG_LEVEL = "org.slf4j.simpleLogger.log.io.hoop";
  static final ByteArrayOutputStream LOG = new ByteArrayOutputStream();
  static final List<String> PASSWORDS = new ArrayList<>();
  static PrintStream originalOut;
  static PrintStream originalErr;
  static PostgresCluster pg;
  static BrokerFixture broker;
  static Path secrets;
  @TempDir static Path home;

  @BeforeAll
  static void start() throws Exception {
    // Everything the broker logs in this JVM (console appenders write to System.out or .err).
    originalOut = System.out;
    originalErr = System.err;
    System.setOut(new PrintStream(tee(originalOut), true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(tee(originalErr), true, StandardCharsets.UTF_8));
    // The CLI logs warnings only; the broker's classes, loaded from here on, log at debug.
    System.setProperty(LOG_LEVEL, "debug");
    secrets = Files.createTempDirectory("hoop-direct-secrets-");
    pg = PostgresCluster.start(PostgresCluster.HostAuth.SCRAM_SHA_256);
    pg.createRole("app_ro", RO_PASSWORD);
    pg.execSql("create database app");
    pg.execSql(
        "app",
        "create table customers (id int primary key, name text, email text, ssn text);"
            + " insert into customers values (1, 'Alice', 'alice@example.com', '123-45-6789');"
            + " grant select on customers to app_ro;");
    String target =
        PostgresTarget.named("prod-db", pg.port(), secrets)
            .database("app")
            .role("readonly", "app_ro", RO_PASSWORD)
            .defaultRole("readonly")
            .section(
                """
                guardrails:
                  default: {denyStatements: [DROP, TRUNCATE]}
                masking:
                  columns: [{column: "public.customers.email", style: partial}, {column: "*.*.ssn", style: redact}]
                """)
            .yaml();
    broker =
        BrokerFixture.start(
            """
            sessionTtl: 8h
            postgres:
              directListen: 127.0.0.1:0
            devIdp:
              pollInterval: 1s
            targets:
            %s    reviewers: [reviewers]
              - name: cache
                type: tcp
                address: 127.0.0.1:6379
            entitlements:
              - group: engineering
                targets: [prod-db, cache]
                maxDuration: 1h
                reviewedBy: bob
                reviewedAt: 2026-01-01T00:00:00Z
                reviewExpiresAt: 2099-01-01T00:00:00Z
            """
                .formatted(target),
            CLOCK);
    login("alice");
    login("bob");
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (broker != null) {
        broker.close();
      }
      if (pg != null) {
        pg.close();
      }
      if (secrets != null) {
        try (var s = Files.walk(secrets)) {
          s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
    } finally {
      System.clearProperty(LOG_LEVEL);
      System.setOut(originalOut);
      System.setErr(originalErr);
    }
  }

  private static OutputStream tee(PrintStream original) {
    return new OutputStream() {
      @Override
      public void write(int b) {
        original.write(b);
        synchronized (LOG) {
          LOG.write(b);
        }
      }

      @Override
      public void write(byte[] b, int off, int len) {
        original.write(b, off, len);
        synchronized (LOG) {
          LOG.write(b, off, len);
        }
      }
    };
  }

  private static Map<String, String> env(String user) {
    Map<String, String> env = HoopCli.env(home.resolve(user));
    env.keySet().removeIf(k -> k.startsWith("PG"));
    return env;
  }

  private static void login(String user) {
    Run r =
        HoopCli.run(
            env(user),
            new CodeApprover(broker, user, true),
            "login",
            "--broker",
            broker.url(),
            "--fingerprint",
            broker.fingerprint());
    assertThat(r.code()).as("login %s: %s", user, r.err()).isZero();
  }

  /** {@code hoop connect prod-db --task TASK --direct -o json}: the ready line's fields. */
  private static JsonNode direct(String task) throws Exception {
    Run r =
        HoopCli.run(
            env("alice"), null, "connect", "prod-db", "--task", task, "--direct", "-o", "json");
    assertThat(r.code()).as("connect --direct: %s", r.err()).isZero();
    JsonNode json = Json.mapper().readTree(r.out().lines().findFirst().orElseThrow());
    JsonNode d = json.path("direct");
    synchronized (PASSWORDS) {
      PASSWORDS.add(d.path("password").asText());
    }
    assertThat(d.path("user").asText()).isEqualTo(json.path("grant").path("id").asText());
    return json;
  }

  private static Connection jdbc(JsonNode json) throws SQLException {
    return DriverManager.getConnection(json.path("direct").path("jdbcUrl").asText());
  }

  private static Connection jdbc(JsonNode json, String user, String password) throws SQLException {
    JsonNode d = json.path("direct");
    return DriverManager.getConnection(
        "jdbc:postgresql://"
            + d.path("host").asText()
            + ":"
            + d.path("port").asInt()
            + "/app?sslmode=verify-full&sslrootcert="
            + d.path("sslrootcert").asText(),
        user,
        password);
  }

  private static String psql(JsonNode json, String password, String conninfo, String sql)
      throws Exception {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                pg.psqlArgs().get(0), "-X", "-v", "ON_ERROR_STOP=1", "-At", conninfo, "-c", sql));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().keySet().removeIf(k -> k.startsWith("PG"));
    if (password != null) {
      pb.environment().put("PGPASSWORD", password);
    }
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return p.exitValue() + ":" + out;
  }

  private static List<AuditEvent> audit(String type) {
    return broker.server().audit().list(0, 10_000, null, null).stream()
        .filter(e -> e.type().equals(type))
        .toList();
  }

  @Test
  void psqlWithVerifyFullRunsQueriesThroughTheEngineAndSeesMasking() throws Exception {
    JsonNode json = direct("D-1");
    JsonNode d = json.path("direct");
    assertThat(d.path("host").asText()).isEqualTo("127.0.0.1");
    assertThat(d.path("port").asInt())
        .isEqualTo(broker.server().postgresDirect().orElseThrow().port());
    assertThat(d.path("database").asText()).isEqualTo("app");
    assertThat(d.path("sslmode").asText()).isEqualTo("verify-full");
    assertThat(d.path("conninfo").asText())
        .startsWith(
            "host=127.0.0.1 port="
                + d.path("port").asInt()
                + " user="
                + d.path("user").asText()
                + " dbname=app sslmode=verify-full sslrootcert=");
    String password = d.path("password").asText();
    assertThat(password).hasSizeGreaterThanOrEqualTo(32);

    // The grant's role, through the engine (no password of it on the client).
    assertThat(psql(json, password, d.path("conninfo").asText(), "select current_user"))
        .isEqualTo("0:app_ro\n");
    // SCRAM-SHA-256-PLUS: libpq binds the exchange to the broker's certificate when asked to
    assertThat(
            psql(
                json,
                password,
                d.path("conninfo").asText() + " channel_binding=require",
                "select current_user"))
        .isEqualTo("0:app_ro\n");
    String out =
        psql(json, password, d.path("conninfo").asText(), "select id, email, ssn from customers");
    assertThat(out).isEqualTo("0:1|*************.com|****\n");
    String blocked = psql(json, password, d.path("conninfo").asText(), "drop table customers");
    assertThat(blocked).startsWith("1:").contains("DROP");
    assertThat(pg.execSql("app", "select count(*) from customers").strip()).isEqualTo("1");
    // Audited like a tunnel: a session opened and closed under the grant.
    String grant = d.path("user").asText();
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> audit("tunnel.close").stream().anyMatch(e -> grant.equals(e.grantId())));
    // psql ends with Terminate and the server closes as asked: recorded as the client's close
    assertThat(audit("tunnel.close"))
        .filteredOn(e -> grant.equals(e.grantId()))
        .extracting(e -> e.details().get("reason"))
        .contains("client_closed")
        .doesNotContain("upstream_closed");
    assertThat(audit("grant.direct_credential")).anyMatch(e -> grant.equals(e.grantId()));

    // The text form: the password once, in the PGPASSWORD line and the JDBC URL.
    Run text = HoopCli.run(env("alice"), null, "connect", "prod-db", "--task", "D-1", "--direct");
    assertThat(text.code()).as(text.err()).isZero();
    assertThat(text.out())
        .containsPattern("  export PGPASSWORD='[A-Za-z0-9_-]{32}'\\n")
        .containsPattern(
            "  psql \"host=127\\.0\\.0\\.1 port=\\d+ user="
                + grant
                + " dbname=app sslmode=verify-full sslrootcert=/\\S+\"\\n")
        .containsPattern(
            "  jdbc:postgresql://127\\.0\\.0\\.1:\\d+/app\\?user=" + grant + "&password=");
    PASSWORDS.add(text.out().replaceAll("(?s).*PGPASSWORD='([^']+)'.*", "$1"));
    // Issuing again replaced the first password.
    assertThat(psql(json, password, d.path("conninfo").asText(), "select 1"))
        .startsWith("2:")
        .contains("password authentication failed for user \"" + grant + "\"");
  }

  @Test
  void pgjdbcWithVerifyFullReadsMaskedRows() throws Exception {
    JsonNode json = direct("D-2");
    try (Connection c = jdbc(json);
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("select id, email from customers")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getInt(1)).isEqualTo(1);
      assertThat(rs.getString(2)).isEqualTo("*************.com");
    }
    try (Connection c = jdbc(json);
        var ps = c.prepareStatement("select ssn from customers where id = ?")) {
      ps.setInt(1, 1);
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo("****");
      }
    }
  }

  @Test
  void pgjdbcCancelAndPsqlCtrlCCancelTheRunningStatement() throws Exception {
    JsonNode json = direct("D-C");
    // pgjdbc's Statement.cancel(): a CancelRequest on a connection of its own, in plaintext
    try (Connection c = jdbc(json);
        Statement s = c.createStatement()) {
      ExecutorService pool = Executors.newSingleThreadExecutor();
      try {
        Future<?> running = pool.submit(() -> s.executeQuery("select pg_sleep(60)"));
        Thread.sleep(1000);
        long start = System.nanoTime();
        s.cancel();
        assertThatThrownBy(() -> running.get(20, TimeUnit.SECONDS))
            .hasCauseInstanceOf(SQLException.class)
            .hasMessageContaining("canceling statement due to user request");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
      } finally {
        pool.shutdownNow();
      }
      // the session lives on
      try (ResultSet rs = s.executeQuery("select 41 + 1")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getInt(1)).isEqualTo(42);
      }
    }
    // psql's Ctrl-C (SIGINT): libpq's cancel
    JsonNode d = json.path("direct");
    List<String> cmd =
        List.of(
            pg.psqlArgs().get(0),
            "-X",
            "-At",
            d.path("conninfo").asText(),
            "-c",
            "select pg_sleep(60)");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().keySet().removeIf(k -> k.startsWith("PG"));
    pb.environment().put("PGPASSWORD", d.path("password").asText());
    Process p = pb.start();
    Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                pg.execSql(
                        "select count(*) from pg_stat_activity where query like 'select"
                            + " pg_sleep(60)%' and state = 'active'")
                    .strip()
                    .startsWith("1"));
    new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
    assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(out).contains("canceling statement due to user request");
  }

  @Test
  void revokeRefusesThePasswordAndCutsTheLiveConnection() throws Exception {
    JsonNode json = direct("D-3");
    String grant = json.path("grant").path("id").asText();
    try (Connection live = jdbc(json)) {
      try (Statement s = live.createStatement()) {
        s.execute("select 1");
      }
      Run revoke = HoopCli.run(env("bob"), null, "revoke", grant, "--reason", "done");
      assertThat(revoke.code()).as(revoke.err()).isZero();
      Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () ->
                  assertThatThrownBy(
                          () -> {
                            try (Statement s = live.createStatement()) {
                              s.execute("select 1");
                            }
                          })
                      .isInstanceOf(SQLException.class));
    }
    assertThatThrownBy(() -> jdbc(json).close())
        .isInstanceOf(SQLException.class)
        .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("28P01"));
  }

  @Test
  void releaseCutsTheLiveConnectionAndOnlyTheHolderGetsAPassword() throws Exception {
    JsonNode json = direct("D-8");
    String grant = json.path("grant").path("id").asText();
    String alice = broker.login("alice");
    String bob = broker.login("bob");
    assertThat(broker.send("POST", "/v1/grants/" + grant + "/direct", null, null, bob))
        .contains("not_your_grant")
        .doesNotContain("\"password\"");
    assertThat(broker.send("POST", "/v1/grants/g-nosuchgrant/direct", null, null, alice))
        .contains("unknown_grant");
    try (Connection live = jdbc(json)) {
      try (Statement s = live.createStatement()) {
        s.execute("select 1");
      }
      assertThat(broker.send("POST", "/v1/grants/" + grant + "/release", null, null, alice))
          .contains("RELEASED");
      Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () ->
                  assertThatThrownBy(
                          () -> {
                            try (Statement s = live.createStatement()) {
                              s.execute("select 1");
                            }
                          })
                      .isInstanceOf(SQLException.class));
    }
    assertThatThrownBy(() -> jdbc(json).close())
        .isInstanceOf(SQLException.class)
        .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("28P01"));
    assertThat(broker.send("POST", "/v1/grants/" + grant + "/direct", null, null, alice))
        .contains("grant_released");
  }

  @Test
  @Order(Integer.MAX_VALUE) // moves the broker's clock an hour ahead: last
  void expiryRefusesThePasswordAndCutsTheLiveConnection() throws Exception {
    JsonNode json = direct("D-4");
    Instant expires = Instant.parse(json.path("direct").path("expiresAt").asText());
    CLOCK.set(expires.minusSeconds(4));
    try (Connection live = jdbc(json)) {
      try (Statement s = live.createStatement()) {
        s.execute("select 1");
      }
      Awaitility.await()
          .atMost(Duration.ofSeconds(15))
          .untilAsserted(
              () ->
                  assertThatThrownBy(
                          () -> {
                            try (Statement s = live.createStatement()) {
                              s.execute("select 1");
                            }
                          })
                      .isInstanceOf(SQLException.class));
    }
    assertThat(CLOCK.instant()).isAfterOrEqualTo(expires);
    assertThatThrownBy(() -> jdbc(json).close())
        .isInstanceOf(SQLException.class)
        .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("28P01"));
  }

  @Test
  void aPasswordOpensOnlyItsOwnGrantAndAWrongOneIs28P01AndAudited() throws Exception {
    JsonNode a = direct("D-5a");
    JsonNode b = direct("D-5b");
    String userA = a.path("direct").path("user").asText();
    String passwordB = b.path("direct").path("password").asText();
    assertThat(userA).isNotEqualTo(b.path("direct").path("user").asText());
    assertThatThrownBy(() -> jdbc(a, userA, passwordB).close())
        .isInstanceOf(SQLException.class)
        .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("28P01"));
    assertThatThrownBy(() -> jdbc(a, userA, "not-the-password").close())
        .isInstanceOf(SQLException.class)
        .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("28P01"));
    // An unknown grant user gets the same answer: users cannot be probed.
    assertThatThrownBy(() -> jdbc(a, "g-doesnotexist", passwordB).close())
        .isInstanceOf(SQLException.class)
        .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("28P01"));
    // The right pair still works, for the target's database only.
    try (Connection c = jdbc(a, userA, a.path("direct").path("password").asText())) {
      assertThat(c.isValid(5)).isTrue();
    }
    JsonNode d = a.path("direct");
    String wrongDb =
        psql(
            a,
            d.path("password").asText(),
            d.path("conninfo").asText().replace("dbname=app", "dbname=postgres"),
            "select 1");
    assertThat(wrongDb).startsWith("2:").contains("not target prod-db's database");
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(audit("tunnel.rejected"))
                    .anySatisfy(
                        e ->
                            assertThat(String.valueOf(e.details()))
                                .contains("bad_password")
                                .contains(userA)));
  }

  @Test
  void aTargetOfAnotherEngineIsRefusedBeforeAnyGrant() throws Exception {
    Run r = HoopCli.run(env("alice"), null, "connect", "cache", "--task", "D-7", "--direct");
    assertThat(r.code()).as(r.err()).isEqualTo(2);
    assertThat(r.err()).contains("--direct is for targets run by the postgres engine");
    assertThat(broker.server().audit().list(0, 10_000, null, "D-7")).isEmpty();
  }

  @Test
  void plaintextIsRefused() throws Exception {
    JsonNode json = direct("D-6");
    JsonNode d = json.path("direct");
    String conninfo =
        d.path("conninfo")
            .asText()
            .replaceAll("sslmode=verify-full sslrootcert=\\S+", "sslmode=disable");
    String out = psql(json, d.path("password").asText(), conninfo, "select 1");
    assertThat(out).startsWith("2:").contains("requires TLS");
    assertThatThrownBy(
            () ->
                DriverManager.getConnection(
                        "jdbc:postgresql://127.0.0.1:"
                            + d.path("port").asInt()
                            + "/app?sslmode=disable",
                        d.path("user").asText(),
                        d.path("password").asText())
                    .close())
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("requires TLS");
  }

  // ---- hostile input on the wire ---------------------------------------------------------------

  private static int port() {
    return broker.server().postgresDirect().orElseThrow().port();
  }

  /** A TLS socket trusting the broker's certificate, after an SSLRequest (or direct with ALPN). */
  private static SSLSocket tls(boolean direct, String alpn) throws Exception {
    Socket plain = new Socket("127.0.0.1", port());
    plain.setSoTimeout(10_000);
    if (!direct) {
      DataOutputStream o = new DataOutputStream(plain.getOutputStream());
      o.writeInt(8);
      o.writeInt(80877103);
      o.flush();
      assertThat(plain.getInputStream().read()).isEqualTo('S');
    }
    KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
    ks.load(null, null);
    try (InputStream in = Files.newInputStream(broker.server().certPath())) {
      ks.setCertificateEntry(
          "broker", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(plain, "127.0.0.1", port(), true);
    SSLParameters params = s.getSSLParameters();
    if (alpn != null) {
      params.setApplicationProtocols(new String[] {alpn});
    }
    s.setSSLParameters(params);
    s.startHandshake();
    return s;
  }

  private static byte[] startup(String user) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    DataOutputStream o = new DataOutputStream(body);
    o.writeInt(196608);
    for (String kv : new String[] {"user", user, "database", "app"}) {
      o.write(kv.getBytes(StandardCharsets.UTF_8));
      o.write(0);
    }
    o.write(0);
    ByteArrayOutputStream msg = new ByteArrayOutputStream();
    DataOutputStream m = new DataOutputStream(msg);
    m.writeInt(body.size() + 4);
    m.write(body.toByteArray());
    return msg.toByteArray();
  }

  private static byte[] typed(char type, byte[] payload) throws IOException {
    ByteArrayOutputStream msg = new ByteArrayOutputStream();
    DataOutputStream m = new DataOutputStream(msg);
    m.writeByte(type);
    m.writeInt(payload.length + 4);
    m.write(payload);
    return msg.toByteArray();
  }

  /** Reads backend messages until the connection ends; returns their types and error texts. */
  private static String readAll(Socket s) throws IOException {
    return readAll(s, false);
  }

  private static String readAll(Socket s, boolean stopAtSasl) throws IOException {
    DataInputStream in = new DataInputStream(s.getInputStream());
    StringBuilder seen = new StringBuilder();
    try {
      while (true) {
        int type = in.read();
        if (type < 0) {
          break;
        }
        int length = in.readInt();
        byte[] body = new byte[length - 4];
        in.readFully(body);
        seen.append((char) type);
        if (type == 'E' || type == 'R') {
          seen.append('[')
              .append(new String(body, StandardCharsets.UTF_8).replaceAll("[\\x00-\\x1f]", "|"))
              .append(']');
        }
        if (stopAtSasl && type == 'R' && body.length >= 4 && body[3] == 10) {
          break;
        }
      }
    } catch (EOFException | java.net.SocketException e) {
      seen.append("<closed>");
    } catch (java.net.SocketTimeoutException e) {
      seen.append("<timeout>");
    }
    return seen.toString();
  }

  @Test
  void directTlsWithAlpnPostgresqlIsAnsweredAndWithoutItRefused() throws Exception {
    try (SSLSocket s = tls(true, "postgresql")) {
      assertThat(s.getApplicationProtocol()).isEqualTo("postgresql");
      s.getOutputStream().write(startup("g-someone"));
      s.getOutputStream().flush();
      assertThat(readAll(s, true)).startsWith("R[").contains("SCRAM-SHA-256");
    }
    try (SSLSocket s = tls(true, null)) {
      s.getOutputStream().write(startup("g-someone"));
      s.getOutputStream().flush();
      assertThat(readAll(s)).contains("ALPN");
    } catch (IOException closedDuringHandshake) {
      // refused before the startup was read: as good
    }
  }

  @Test
  void malformedAndOversizedStartupsAndScramMessagesAreRefusedCleanly() throws Exception {
    // An oversized startup packet.
    try (SSLSocket s = tls(false, "postgresql")) {
      DataOutputStream o = new DataOutputStream(s.getOutputStream());
      o.writeInt(1_000_000);
      o.writeInt(196608);
      o.flush();
      assertThat(readAll(s)).contains("08P01");
    }
    // Bytes stuffed after the SSLRequest, before TLS.
    try (Socket plain = new Socket("127.0.0.1", port())) {
      plain.setSoTimeout(10_000);
      DataOutputStream o = new DataOutputStream(plain.getOutputStream());
      o.writeInt(8);
      o.writeInt(80877103);
      o.write(startup("g-x"));
      o.flush();
      // Read with the SSLRequest: closed at once. Arrived after it (another segment, a busy
      // machine): 'S', then the plaintext is fed to TLS, which fails (an alert or a close), never
      // a PostgreSQL answer to the stuffed startup.
      int first = plain.getInputStream().read();
      assertThat(first).isIn(-1, (int) 'S');
      if (first == 'S') {
        assertThat(plain.getInputStream().read()).isIn(-1, 0x15);
      }
    }
    // A mechanism that is not offered.
    try (SSLSocket s = tls(false, "postgresql")) {
      OutputStream o = s.getOutputStream();
      o.write(startup("g-x"));
      o.write(typed('p', "PLAIN\0\0\0\0\1x".getBytes(StandardCharsets.ISO_8859_1)));
      o.flush();
      assertThat(readAll(s)).contains("SCRAM-SHA-256").contains("only SASL mechanism");
    }
    // A malformed client-first, then an oversized SASL message.
    try (SSLSocket s = tls(false, "postgresql")) {
      OutputStream o = s.getOutputStream();
      o.write(startup("g-x"));
      byte[] first = "p=tls-server-end-point,,n=,r=abc".getBytes(StandardCharsets.UTF_8);
      ByteArrayOutputStream initial = new ByteArrayOutputStream();
      initial.write("SCRAM-SHA-256\0".getBytes(StandardCharsets.UTF_8));
      new DataOutputStream(initial).writeInt(first.length);
      initial.write(first);
      o.write(typed('p', initial.toByteArray()));
      o.flush();
      assertThat(readAll(s)).contains("08P01").contains("channel binding");
    }
    try (SSLSocket s = tls(false, "postgresql")) {
      OutputStream o = s.getOutputStream();
      o.write(startup("g-x"));
      boolean whole = true;
      try {
        o.write(typed('p', new byte[64 * 1024]));
        o.flush();
      } catch (java.net.SocketException refusedBeforeTheEnd) {
        // The broker refused on the length alone and closed before the body was all sent.
        whole = false;
      }
      if (whole) {
        assertThat(readAll(s)).contains("08P01");
      }
    }
    // Not a startup at all: a Query read as a startup packet.
    try (SSLSocket s = tls(false, "postgresql")) {
      s.getOutputStream().write(typed('Q', "select 1\0".getBytes(StandardCharsets.UTF_8)));
      s.getOutputStream().flush();
      assertThat(readAll(s)).contains("08P01");
    }
    assertThat(broker.server().tunnels().activeTunnels()).isZero();
  }

  @Test
  void thePasswordNeverAppearsInTheBrokerLog() throws Exception {
    JsonNode json = direct("D-9");
    try (Connection c = jdbc(json)) {
      assertThat(c.isValid(5)).isTrue();
    }
    assertThatThrownBy(() -> jdbc(json, json.path("direct").path("user").asText(), "wrong").close())
        .isInstanceOf(SQLException.class);
    String log;
    synchronized (LOG) {
      log = LOG.toString(StandardCharsets.UTF_8);
    }
    // The capture works: the broker's own lines about direct access are in it.
    assertThat(log).contains("postgres direct");
    synchronized (PASSWORDS) {
      assertThat(PASSWORDS).isNotEmpty();
      for (String p : PASSWORDS) {
        assertThat(log).doesNotContain(p);
      }
    }
    assertThat(log).doesNotContain(RO_PASSWORD);
  }
}
