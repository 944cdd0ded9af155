package io.hoop.engine.postgres.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hoop.detect.Detector;
import io.hoop.engine.postgres.guard.Rules;
import io.hoop.engine.postgres.mask.MaskRule;
import io.hoop.engine.postgres.mask.MaskStyle;
import io.hoop.engine.postgres.mask.MaskingRules;
import io.hoop.tunnel.testing.TunnelHarness;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The guardrail gaps an outside suite found, against a real server: each attack first runs straight
 * against PostgreSQL to prove it does change the session's role there, then through the engine,
 * which must refuse it and leave the session as the broker's role.
 */
class GuardrailGapsIT {
  private static final String ROLE = "app_gap";
  private static final String PASSWORD = "gap-Pa55-word";
  private static final String ADMIN = "gap_admin";

  private static LocalPostgres pg;

  @TempDir Path dir;

  @BeforeAll
  static void startPostgres() throws Exception {
    pg = LocalPostgres.start();
    pg.superuser(
        "CREATE ROLE "
            + ADMIN
            + " NOLOGIN;"
            + "CREATE ROLE "
            + ROLE
            + " LOGIN PASSWORD '"
            + PASSWORD
            + "' IN ROLE "
            + ADMIN
            + ";"
            + "GRANT CREATE ON SCHEMA public TO "
            + ROLE
            + ";"
            + "CREATE TABLE gap_orders (id int, total int);"
            + "INSERT INTO gap_orders VALUES (1, 10), (2, 20);"
            + "CREATE TABLE gap_people (id int, ssn text);"
            + "INSERT INTO gap_people VALUES (1, '078-05-1120');"
            + "CREATE TABLE gap_people_child () INHERITS (gap_people);"
            + "INSERT INTO gap_people_child VALUES (2, '219-09-9999');"
            + "GRANT SELECT ON gap_orders, gap_people, gap_people_child TO "
            + ROLE
            + ";");
  }

  @AfterAll
  static void stopPostgres() {
    if (pg != null) {
      pg.close();
    }
  }

  /** Attacks that make current_user the admin role on a plain connection. */
  static Stream<String> roleChanges() {
    return Stream.of(
        "SET \"role\" TO gap_admin",
        "SET \"RoLe\" TO gap_admin",
        "SET SESSION \"role\" TO gap_admin",
        "SET U&\"r!006Fle\" UESCAPE '!' TO gap_admin",
        "SELECT set_config('role', 'gap_admin', false)",
        "SELECT pg_catalog.set_config(E'\\x72ole', 'gap_admin', false)",
        "SELECT \"pg_catalog\".\"set_config\"(U&'\\0072ole', 'gap_admin', false)",
        "SELECT PG_CATALOG.SET_CONFIG($$ROLE$$, 'gap_admin', false)",
        "SELECT set_config('ro' || 'le', 'gap_admin', false)",
        "SELECT set_config(text 'role', 'gap_admin', false)",
        "WITH x AS (SELECT set_config('role', 'gap_admin', false)) SELECT * FROM x",
        "SELECT length(set_config('role', 'gap_admin', false))",
        "SELECT set_config(n, 'gap_admin', false) FROM (VALUES ('role')) v(n)",
        "SELECT set_config(chr(114) || 'ole', 'gap_admin', false)",
        "DO $$ BEGIN PERFORM set_config('role', 'gap_admin', false); END $$",
        "DO $$ BEGIN SET ROLE gap_admin; END $$",
        "DO $$ BEGIN EXECUTE 'SET ' || 'ROLE gap_admin'; END $$",
        "DO $$ BEGIN EXECUTE format('SET ROLE %I', 'gap_admin'); END $$",
        "DO $$ DECLARE q text := 'SET ROLE gap_admin'; BEGIN EXECUTE q; END $$",
        "SELECT query_to_xml('select set_config(''role'', ''gap_admin'', false)', true, false,"
            + " '')");
  }

  @ParameterizedTest
  @MethodSource("roleChanges")
  void everyRoleChangeWorksOnTheServerAndIsRefusedThroughHoop(String attack) throws Exception {
    try (Connection direct = jdbc(pg.address());
        Statement s = direct.createStatement()) {
      s.execute(attack);
      assertThat(currentUser(s)).as("the attack works on a plain connection").isEqualTo(ADMIN);
    }
    try (TunnelHarness harness = harness(null);
        Connection hoop = jdbc(PgTunnels.client(harness));
        Statement s = hoop.createStatement()) {
      assertThatThrownBy(() -> s.execute(attack))
          .as(attack)
          .isInstanceOfSatisfying(
              SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("42501"));
      assertThat(currentUser(s)).isEqualTo(ROLE);
    }
  }

  @Test
  void aFunctionThatBuildsSqlAtRunTimeIsRefusedWhenCreated() throws Exception {
    String create =
        "CREATE FUNCTION gap_f(q text) RETURNS void LANGUAGE plpgsql AS $$ BEGIN EXECUTE q; END"
            + " $$";
    try (Connection direct = jdbc(pg.address());
        Statement s = direct.createStatement()) {
      s.execute(create);
      s.execute("SELECT gap_f('SET ROLE gap_admin')");
      assertThat(currentUser(s)).isEqualTo(ADMIN);
      s.execute("RESET ROLE");
      s.execute("DROP FUNCTION gap_f(text)");
    }
    try (TunnelHarness harness = harness(null);
        Connection hoop = jdbc(PgTunnels.client(harness));
        Statement s = hoop.createStatement()) {
      assertThatThrownBy(() -> s.execute(create))
          .isInstanceOfSatisfying(
              SQLException.class,
              e -> assertThat(e.getMessage()).contains("dynamic-sql", "EXECUTE"));
    }
    assertThat(pg.superuser("select count(*) from pg_proc where proname = 'gap_f'")).isEqualTo("0");
  }

  /** Bodies that would change the role when called later: refused when they are created. */
  static Stream<String> bodies() {
    return Stream.of(
        "CREATE PROCEDURE gap_p(q text) LANGUAGE plpgsql AS $$ BEGIN EXECUTE format('%s', q); END"
            + " $$",
        "CREATE FUNCTION gap_s(n text) RETURNS text LANGUAGE sql AS $$ SELECT set_config(n,"
            + " 'gap_admin', false) $$",
        "CREATE FUNCTION gap_q() RETURNS void LANGUAGE plpgsql AS 'BEGIN PERFORM"
            + " set_config(''role'', ''gap_admin'', false); END'",
        "CREATE OR REPLACE FUNCTION gap_x() RETURNS void AS $f$ DECLARE q text := 'SET ROLE';"
            + " BEGIN EXECUTE q || ' gap_admin'; END $f$ LANGUAGE plpgsql");
  }

  @ParameterizedTest
  @MethodSource("bodies")
  void bodiesThatChangeTheRoleAreRefusedWhenCreated(String create) throws Exception {
    try (TunnelHarness harness = harness(null);
        Connection hoop = jdbc(PgTunnels.client(harness));
        Statement s = hoop.createStatement()) {
      assertThatThrownBy(() -> s.execute(create))
          .as(create)
          .isInstanceOfSatisfying(
              SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("42501"));
      assertThat(currentUser(s)).isEqualTo(ROLE);
    }
    assertThat(pg.superuser("select count(*) from pg_proc where proname like 'gap\\_%'"))
        .isEqualTo("0");
  }

  @Test
  void psqlStartupOptionsThatSetTheRoleAreRefused() throws Exception {
    String conninfo = "dbname=postgres options='-c role=gap_admin'";
    try (TunnelHarness harness = harness(null)) {
      InetSocketAddress local = PgTunnels.client(harness);
      Processes.Result refused =
          Processes.run(
              PgTunnels.psqlCommand(pg, local, conninfo, "-c", "select current_user"),
              dir,
              "",
              Duration.ofSeconds(60));
      assertThat(refused.exitCode()).as(refused.toString()).isNotZero();
      assertThat(refused.stderr()).contains("statement:SET ROLE", "startup parameter role");
      Processes.Result plain = PgTunnels.psql(pg, dir, local, "-c", "select current_user");
      assertThat(plain.stdout().strip()).as(plain.toString()).isEqualTo(ROLE);
    }
  }

  @Test
  void psqlQuotedSetIsRefused() throws Exception {
    try (TunnelHarness harness = harness(null)) {
      InetSocketAddress local = PgTunnels.client(harness);
      Processes.Result result =
          PgTunnels.psql(
              pg,
              dir,
              local,
              "-v",
              "ON_ERROR_STOP=0",
              "-c",
              "SET \"role\" TO gap_admin",
              "-c",
              "select current_user");
      assertThat(result.stderr()).contains("statement:SET ROLE");
      assertThat(result.stdout().strip()).as(result.toString()).isEqualTo(ROLE);
    }
  }

  @Test
  void copyOfAnUnruledTableRunsWhileARuledOneIsRefused() throws Exception {
    MaskingRules masking =
        new MaskingRules(
            List.of(new MaskRule("public.gap_people.ssn", MaskStyle.REDACT)),
            Set.<Detector>of(),
            MaskStyle.REDACT,
            new byte[32]);
    try (TunnelHarness harness = harness(masking)) {
      InetSocketAddress local = PgTunnels.client(harness);
      Processes.Result orders =
          PgTunnels.psql(pg, dir, local, "-c", "COPY gap_orders TO STDOUT WITH (FORMAT csv)");
      assertThat(orders.exitCode()).as(orders.toString()).isZero();
      assertThat(orders.stdout().lines()).containsExactly("1,10", "2,20");
      Processes.Result someColumns =
          PgTunnels.psql(pg, dir, local, "-c", "COPY gap_people (id) TO STDOUT");
      assertThat(someColumns.stdout().strip()).as(someColumns.toString()).isEqualTo("1");
      Processes.Result unruledQuery =
          PgTunnels.psql(
              pg,
              dir,
              local,
              "-c",
              "COPY (SELECT id, total FROM gap_orders) TO STDOUT (FORMAT csv)");
      assertThat(unruledQuery.stdout().lines()).as(unruledQuery.toString()).hasSize(2);
      for (String copy :
          List.of(
              "COPY gap_people TO STDOUT",
              "COPY public.gap_people TO STDOUT",
              "COPY \"public\".\"gap_people\" (ssn) TO STDOUT",
              "COPY gap_people (id, ssn) TO STDOUT (FORMAT binary)",
              "COPY (SELECT upper(ssn) FROM gap_people) TO STDOUT",
              "COPY (SELECT * FROM gap_orders o JOIN gap_people p USING (id)) TO STDOUT",
              "copy /* c */ GAP_PEOPLE to stdout",
              "COPY gap_people_child TO STDOUT",
              "COPY gap_people_child (id, ssn) TO STDOUT")) {
        Processes.Result people = PgTunnels.psql(pg, dir, local, "-c", copy);
        assertThat(people.exitCode()).as(copy + " " + people).isNotZero();
        assertThat(people.stderr()).as(copy).contains("masking:copy");
        assertThat(people.stdout()).as(copy).doesNotContain("078-05-1120", "219-09-9999");
      }
    }
  }

  private TunnelHarness harness(MaskingRules masking) throws Exception {
    PostgresSettings settings =
        new PostgresSettings(
            ROLE,
            Secret.of(PASSWORD),
            "postgres",
            Rules.defaults(),
            masking,
            UpstreamTls.disabled(),
            new PgTunnels.Events());
    return PgTunnels.harness(dir, settings, pg.address(), Instant.now().plusSeconds(600));
  }

  private static Connection jdbc(InetSocketAddress address) throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", ROLE);
    props.setProperty("password", PASSWORD);
    props.setProperty("sslmode", "disable");
    return DriverManager.getConnection(
        "jdbc:postgresql://127.0.0.1:" + address.getPort() + "/postgres", props);
  }

  private static String currentUser(Statement s) throws SQLException {
    try (ResultSet rs = s.executeQuery("select current_user")) {
      rs.next();
      return rs.getString(1);
    }
  }
}
