package io.hoop.engine.postgres.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hoop.engine.postgres.guard.Rules;
import io.hoop.tunnel.engine.EngineListener;
import io.hoop.tunnel.engine.Holds;
import io.hoop.tunnel.testing.TunnelHarness;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Statements a review rule holds, through the real engine against a real server, with a test {@link
 * Holds} standing in for the broker's store: approved runs once, denied, timed out and cancelled
 * leave the data untouched with a clear error, the client is told the hold's id and how to approve
 * it, and the same statement again needs a new approval.
 */
class HeldStatementIT {
  private static final String ROLE = "app_hold";
  private static final String PASSWORD = "hold-Pa55-word";

  private static LocalPostgres pg;

  @TempDir Path dir;

  @BeforeAll
  static void startPostgres() throws Exception {
    pg = LocalPostgres.start();
    pg.superuser(
        "CREATE ROLE "
            + ROLE
            + " LOGIN PASSWORD '"
            + PASSWORD
            + "';"
            + "CREATE TABLE hold_orders (id int primary key, total int);"
            + "CREATE TABLE hold_log (n int);"
            + "GRANT SELECT, INSERT, UPDATE, DELETE ON hold_orders, hold_log TO "
            + ROLE
            + ";");
  }

  @AfterAll
  static void stopPostgres() {
    if (pg != null) {
      pg.close();
    }
  }

  @BeforeEach
  void data() {
    pg.superuser(
        "TRUNCATE hold_orders, hold_log;"
            + "INSERT INTO hold_orders VALUES (1, 10), (2, 20), (3, 30);");
  }

  /** The broker's side, in memory: each hold waits for the test's decision. */
  static final class TestHolds implements Holds {
    final BlockingQueue<TestHold> holds = new LinkedBlockingQueue<>();
    final AtomicInteger ids = new AtomicInteger();

    @Override
    public CompletionStage<Hold> hold(HoldRequest request) {
      TestHold hold = new TestHold("h-test" + ids.incrementAndGet(), request);
      holds.add(hold);
      return CompletableFuture.completedFuture(hold);
    }

    TestHold next() throws InterruptedException {
      TestHold hold = holds.poll(60, TimeUnit.SECONDS);
      assertThat(hold).as("a statement was held").isNotNull();
      return hold;
    }
  }

  static final class TestHold implements Holds.Hold {
    final String id;
    final Holds.HoldRequest request;
    final CompletableFuture<Holds.Decision> decision = new CompletableFuture<>();
    final AtomicBoolean cancelled = new AtomicBoolean();

    TestHold(String id, Holds.HoldRequest request) {
      this.id = id;
      this.request = request;
    }

    @Override
    public String id() {
      return id;
    }

    @Override
    public String notice() {
      return "statement held for review as "
          + id
          + "; a reviewer approves it with: hoop approve "
          + id;
    }

    @Override
    public CompletionStage<Holds.Decision> decision() {
      return decision;
    }

    @Override
    public void cancel() {
      cancelled.set(true);
    }

    boolean waitCancelled() throws InterruptedException {
      for (int i = 0; i < 300 && !cancelled.get(); i++) {
        Thread.sleep(100);
      }
      return cancelled.get();
    }
  }

  private static Rules review(Duration timeout) {
    Rules d = Rules.defaults();
    return new Rules(
        d.deniedStatements(),
        d.deniedFunctions(),
        d.deniedObjects(),
        d.requireWhere(),
        Set.of("DELETE", "INSERT"),
        Set.of(),
        List.of(),
        timeout);
  }

  private TunnelHarness harness(Holds holds, Duration timeout) throws Exception {
    PostgresSettings settings =
        new PostgresSettings(
            ROLE,
            Secret.of(PASSWORD),
            "postgres",
            review(timeout),
            null,
            UpstreamTls.disabled(),
            EngineListener.NONE,
            holds);
    return PgTunnels.harness(dir, settings, pg.address(), Instant.now().plusSeconds(600));
  }

  @Test
  void psqlIsToldTheHoldAndTheApprovedDeleteRunsOnce() throws Exception {
    TestHolds holds = new TestHolds();
    try (TunnelHarness harness = harness(holds, Duration.ofMinutes(5))) {
      InetSocketAddress local = PgTunnels.client(harness);
      CompletableFuture<Processes.Result> psql =
          CompletableFuture.supplyAsync(
              () ->
                  PgTunnels.psql(
                      pg,
                      dir,
                      local,
                      "-c",
                      "INSERT INTO hold_log VALUES (1)",
                      "-c",
                      "DELETE FROM hold_orders WHERE id = 1",
                      "-c",
                      "select count(*) from hold_orders"));
      TestHold insert = holds.next();
      assertThat(insert.request)
          .isEqualTo(
              new Holds.HoldRequest("sql", "INSERT INTO hold_log VALUES (1)", "statement:INSERT"));
      assertThat(count("hold_log")).as("nothing runs before the decision").isZero();
      insert.decision.complete(new Holds.Decision(true, "bob", ""));
      TestHold delete = holds.next();
      assertThat(delete.request.operation()).isEqualTo("DELETE FROM hold_orders WHERE id = 1");
      assertThat(count("hold_orders")).isEqualTo(3);
      delete.decision.complete(new Holds.Decision(true, "bob", ""));
      Processes.Result result = psql.get(60, TimeUnit.SECONDS);
      assertThat(result.exitCode()).as(result.toString()).isZero();
      assertThat(result.stdout().strip()).isEqualTo("2");
      assertThat(result.stderr())
          .contains(
              "NOTICE:  statement held for review as h-test1; a reviewer approves it with: hoop"
                  + " approve h-test1",
              "hoop approve h-test2");
      assertThat(count("hold_log")).as("the approved INSERT ran once").isEqualTo(1);
      assertThat(holds.holds).isEmpty();
    }
  }

  @Test
  void deniedAndTimedOutHoldsLeaveTheDataAndTheSessionGoesOn() throws Exception {
    TestHolds holds = new TestHolds();
    try (TunnelHarness harness = harness(holds, Duration.ofSeconds(2));
        Connection c = jdbc(PgTunnels.client(harness));
        Statement s = c.createStatement()) {
      CompletableFuture<Integer> denied =
          CompletableFuture.supplyAsync(() -> update(s, "DELETE FROM hold_orders WHERE id > 0"));
      TestHold hold = holds.next();
      hold.decision.complete(new Holds.Decision(false, "bob", "not during the sale"));
      assertThatThrownBy(() -> join(denied))
          .isInstanceOfSatisfying(
              SQLException.class,
              e -> {
                assertThat(e.getSQLState()).isEqualTo("42501");
                assertThat(e.getMessage())
                    .contains(
                        "held for review as h-test1",
                        "statement:DELETE",
                        "denied by bob: not during the sale");
              });
      assertThat(count("hold_orders")).isEqualTo(3);
      assertThat(one(s, "select count(*) from hold_orders")).isEqualTo(3);

      long start = System.nanoTime();
      assertThatThrownBy(() -> s.executeUpdate("DELETE FROM hold_orders WHERE id = 2"))
          .isInstanceOfSatisfying(
              SQLException.class,
              e -> {
                assertThat(e.getSQLState()).isEqualTo("57014");
                assertThat(e.getMessage()).contains("h-test2", "no reviewer decided within 2s");
              });
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofSeconds(1));
      TestHold timedOut = holds.next();
      assertThat(timedOut.cancelled).as("the broker's hold ends too").isTrue();
      // A late approval changes nothing.
      timedOut.decision.complete(new Holds.Decision(true, "bob", ""));
      assertThat(count("hold_orders")).isEqualTo(3);
      assertThat(one(s, "select count(*) from hold_orders where id = 2")).isEqualTo(1);
    }
  }

  @Test
  void preparedStatementsAreHeldWithTheirParametersAndEachRunNeedsItsOwnApproval()
      throws Exception {
    TestHolds holds = new TestHolds();
    try (TunnelHarness harness = harness(holds, Duration.ofMinutes(5));
        Connection c = jdbc(PgTunnels.client(harness));
        PreparedStatement p = c.prepareStatement("DELETE FROM hold_orders WHERE id = ?")) {
      p.setInt(1, 2);
      CompletableFuture<Integer> first = CompletableFuture.supplyAsync(() -> update(p));
      TestHold hold = holds.next();
      assertThat(hold.request.operation())
          .isEqualTo("DELETE FROM hold_orders WHERE id = $1\n-- parameters: $1 = 2");
      hold.decision.complete(new Holds.Decision(true, "bob", ""));
      assertThat(join(first)).isEqualTo(1);
      SQLWarning warning = p.getWarnings();
      assertThat(warning == null ? null : warning.getMessage())
          .contains("h-test1", "hoop approve h-test1");
      assertThat(count("hold_orders")).isEqualTo(2);

      // The same statement again is a new hold; denying it leaves row 3.
      p.setInt(1, 3);
      CompletableFuture<Integer> second = CompletableFuture.supplyAsync(() -> update(p));
      TestHold again = holds.next();
      assertThat(again.id).isEqualTo("h-test2");
      assertThat(again.request.operation()).endsWith("$1 = 3");
      again.decision.complete(new Holds.Decision(false, "bob", ""));
      assertThatThrownBy(() -> join(second))
          .isInstanceOfSatisfying(
              SQLException.class, e -> assertThat(e.getMessage()).contains("denied by bob"));
      assertThat(count("hold_orders")).isEqualTo(2);
      try (Statement s = c.createStatement()) {
        assertThat(one(s, "select count(*) from hold_orders")).isEqualTo(2);
      }
    }
  }

  @Test
  void aClientCancelOrDisconnectEndsTheHold() throws Exception {
    TestHolds holds = new TestHolds();
    try (TunnelHarness harness = harness(holds, Duration.ofMinutes(5))) {
      InetSocketAddress local = PgTunnels.client(harness);
      try (Connection c = jdbc(local);
          Statement s = c.createStatement()) {
        CompletableFuture<Integer> held =
            CompletableFuture.supplyAsync(() -> update(s, "DELETE FROM hold_orders WHERE id > 0"));
        TestHold hold = holds.next();
        s.cancel();
        assertThatThrownBy(() -> join(held))
            .isInstanceOfSatisfying(
                SQLException.class,
                e -> {
                  assertThat(e.getSQLState()).isEqualTo("57014");
                  assertThat(e.getMessage()).contains("h-test1", "cancelled by the client");
                });
        assertThat(hold.waitCancelled()).isTrue();
        hold.decision.complete(new Holds.Decision(true, "bob", ""));
        assertThat(one(s, "select count(*) from hold_orders")).isEqualTo(3);
      }

      Connection c = jdbc(local);
      Statement s = c.createStatement();
      CompletableFuture<Integer> abandoned =
          CompletableFuture.supplyAsync(() -> update(s, "DELETE FROM hold_orders WHERE id = 1"));
      TestHold hold = holds.next();
      c.close();
      assertThat(hold.waitCancelled()).as("the closed session's hold is cancelled").isTrue();
      hold.decision.complete(new Holds.Decision(true, "bob", ""));
      assertThatThrownBy(() -> join(abandoned)).isInstanceOf(SQLException.class);
      Thread.sleep(500);
      assertThat(count("hold_orders")).isEqualTo(3);
    }
  }

  @Test
  void withoutAReviewProcessAReviewRuleRefuses() throws Exception {
    try (TunnelHarness harness = harness(Holds.NONE, Duration.ofMinutes(5));
        Connection c = jdbc(PgTunnels.client(harness));
        Statement s = c.createStatement()) {
      assertThatThrownBy(() -> s.executeUpdate("DELETE FROM hold_orders WHERE id > 0"))
          .isInstanceOfSatisfying(
              SQLException.class,
              e -> {
                assertThat(e.getSQLState()).isEqualTo("42501");
                assertThat(e.getMessage())
                    .contains("statement:DELETE", "could not be held for review");
              });
      assertThat(count("hold_orders")).isEqualTo(3);
      assertThat(one(s, "select count(*) from hold_orders")).isEqualTo(3);
    }
  }

  private static int count(String table) {
    return Integer.parseInt(pg.superuser("select count(*) from " + table).strip());
  }

  private static int update(Statement s, String sql) {
    try {
      return s.executeUpdate(sql);
    } catch (SQLException e) {
      throw new java.util.concurrent.CompletionException(e);
    }
  }

  private static int update(PreparedStatement p) {
    try {
      return p.executeUpdate();
    } catch (SQLException e) {
      throw new java.util.concurrent.CompletionException(e);
    }
  }

  /** The future's value, or the SQLException it failed with. */
  private static int join(CompletableFuture<Integer> f) throws Exception {
    try {
      return f.get(60, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      Throwable cause = e.getCause();
      while (cause instanceof java.util.concurrent.CompletionException
          && cause.getCause() != null) {
        cause = cause.getCause();
      }
      if (cause instanceof Exception ex) {
        throw ex;
      }
      throw e;
    }
  }

  private static int one(Statement s, String sql) throws SQLException {
    try (ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getInt(1);
    }
  }

  private static Connection jdbc(InetSocketAddress address) throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", ROLE);
    props.setProperty("password", PASSWORD);
    props.setProperty("sslmode", "disable");
    return DriverManager.getConnection(
        "jdbc:postgresql://127.0.0.1:" + address.getPort() + "/postgres", props);
  }
}
