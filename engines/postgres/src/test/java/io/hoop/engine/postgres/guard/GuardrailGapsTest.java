package io.hoop.engine.postgres.guard;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The classes of guardrail bypass the outside suite found, each as many spellings as we know. */
class GuardrailGapsTest {
  private static final Rules RULES = Rules.defaults();

  private static Decision decide(String sql) {
    return GuardrailPolicy.decide(sql, RULES);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "SET ROLE admin",
        "set role 'admin'",
        "SET \"role\" TO admin",
        "SET \"ROLE\" TO admin",
        "SET \"RoLe\" = admin",
        "SET LOCAL role admin",
        "SET SESSION role TO admin",
        "SET SESSION \"role\" TO admin",
        "SET U&\"r\\006Fle\" TO admin",
        "SET U&\"r!006Fle\" UESCAPE '!' TO admin",
        "SET/**/role/**/TO admin",
        "BEGIN; SET LOCAL ROLE admin; COMMIT",
        "SET SESSION AUTHORIZATION admin",
        "SET LOCAL SESSION AUTHORIZATION admin",
        "SET session_authorization = admin",
        "SET \"session_authorization\" TO admin",
        "SELECT set_config('role', 'admin', false)",
        "SELECT set_config('ROLE', 'admin', false)",
        "SELECT set_config('session_authorization', 'admin', false)",
        "SELECT pg_catalog.set_config('role', 'admin', false)",
        "SELECT \"pg_catalog\".\"set_config\"('role', 'admin', false)",
        "SELECT PG_CATALOG.SET_CONFIG('role', 'admin', false)",
        "SELECT set_config(E'\\x72ole', 'admin', false)",
        "SELECT set_config(E'\\162ole', 'admin', false)",
        "SELECT set_config(E'\\u0072ole', 'admin', false)",
        "SELECT set_config(U&'\\0072ole', 'admin', false)",
        "SELECT set_config(U&'!0072ole' UESCAPE '!', 'admin', false)",
        "SELECT set_config($$role$$, 'admin', false)",
        "SELECT set_config($x$role$x$, 'admin', false)",
        "SELECT set_config('ro' || 'le', 'admin', false)",
        "SELECT set_config(('ro') || ('le')::text, 'admin', false)",
        "SELECT set_config(text 'role', 'admin', false)",
        "SELECT set_config('role'::pg_catalog.text, 'admin', false)",
        "SELECT set_config(setting_name => 'role', new_value => 'admin', is_local => false)",
        "SELECT set_config(new_value => 'admin', setting_name => 'role', is_local => false)",
        "SELECT * FROM set_config('role', 'admin', false)",
        "WITH x AS (SELECT set_config('role', 'admin', false)) SELECT * FROM x",
        "SELECT length(set_config('role', 'admin', false))",
        "SELECT 1 WHERE set_config('role', 'admin', false) IS NOT NULL",
        "DO $$ BEGIN PERFORM set_config('role', 'admin', false); END $$",
        "DO $$ BEGIN SET ROLE admin; END $$",
        "DO $$ DECLARE x text; BEGIN x := set_config('role', 'admin', false); END $$",
        "DO $$ BEGIN EXECUTE 'SET ROLE admin'; END $$",
        "DO $$ BEGIN EXECUTE 'SET ' || 'ROLE admin'; END $$",
        "DO $$ BEGIN EXECUTE $q$SELECT set_config('role','admin',false)$q$; END $$",
        "CREATE FUNCTION f() RETURNS text LANGUAGE sql AS $$ SELECT set_config('role','a',false) $$",
        "CREATE FUNCTION f() RETURNS text LANGUAGE sql RETURN set_config('role', 'a', false)",
        "CREATE FUNCTION f() RETURNS int LANGUAGE sql SET role = admin AS 'SELECT 1'",
        "CREATE FUNCTION f() RETURNS int LANGUAGE sql SET \"role\" TO admin AS 'SELECT 1'",
        "ALTER FUNCTION f() SET role = admin",
        "ALTER ROLE app SET role = admin",
        "ALTER ROLE app IN DATABASE db SET session_authorization = admin",
        "SELECT query_to_xml('select set_config(''role'', ''admin'', false)', true, false, '')",
        "PREPARE p AS SELECT set_config('role', 'admin', false)",
      })
  void everySpellingOfARoleChangeIsDenied(String sql) {
    Decision d = decide(sql);
    assertThat(d.denied()).as(sql).isTrue();
    assertThat(d.ruleName()).as(sql).startsWith("statement:SET ");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "SELECT set_config(name, 'admin', false) FROM (VALUES ('role')) v(name)",
        "SELECT set_config($1, 'admin', false)",
        "SELECT set_config(lower('ROLE'), 'admin', false)",
        "SELECT set_config(concat('ro', 'le'), 'admin', false)",
        "SELECT set_config((SELECT 'role'), 'admin', false)",
        "SELECT set_config('roleX'::varchar(4), 'admin', false)",
        "SELECT set_config('role   '::bpchar, 'admin', false)",
        "SELECT set_config('r'::\"char\", 'admin', false)",
        "SELECT set_config(chr(114) || 'ole', 'admin', false)",
        "SELECT set_config(new_value => 'admin', is_local => false, setting_name => x) FROM t",
        "SELECT set_config(",
        "PREPARE p(text) AS SELECT set_config($1, 'admin', false)",
      })
  void aNonConstantParameterNameFailsClosed(String sql) {
    Decision d = decide(sql);
    assertThat(d.denied()).as(sql).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "DO $$ BEGIN EXECUTE format('SET ROLE %I', 'admin'); END $$",
        "DO $$ DECLARE q text := 'SELECT 1'; BEGIN EXECUTE q; END $$",
        "DO $$ BEGIN IF true THEN EXECUTE q; END IF; END $$",
        "DO $$ BEGIN EXECUTE 'DO $x$ BEGIN EXECUTE q; END $x$'; END $$",
        "DO $$ BEGIN EXECUTE 'SET ROLE ' || quote_ident('admin'); END $$",
        "DO $$ DECLARE r record; BEGIN FOR r IN EXECUTE q LOOP END LOOP; END $$",
        "DO $$ BEGIN RETURN QUERY EXECUTE q; END $$",
        "CREATE FUNCTION f(q text) RETURNS void LANGUAGE plpgsql AS $$ BEGIN EXECUTE q; END $$",
        "CREATE FUNCTION f(q text) RETURNS void LANGUAGE plpgsql AS"
            + " 'BEGIN EXECUTE q USING 1; END'",
        "DO LANGUAGE plperl $$ spi_exec_query('SET ROLE admin') $$",
        "CREATE FUNCTION f() RETURNS void LANGUAGE plpython3u AS 'plpy.execute(x)'",
        "CREATE FUNCTION f() RETURNS void LANGUAGE 'c' AS 'x', 'y'",
        "SELECT query_to_xml(q, true, false, '') FROM t",
        "SELECT ts_stat(q) FROM t",
      })
  void runTimeSqlFailsClosed(String sql) {
    Decision d = decide(sql);
    assertThat(d.denied()).as(sql).isTrue();
    assertThat(d.ruleName()).as(sql).isEqualTo("dynamic-sql");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "SET search_path TO app",
        "SET \"Role\" TO admin_not_a_role_change_but_unknown",
        "UPDATE users SET role = 'admin' WHERE id = 1",
        "SELECT set_config('search_path', 'app', false)",
        "SELECT set_config('application_name', 'x', true)",
        "SELECT current_setting('role')",
        "SHOW role",
        "RESET ROLE",
        "DO $$ BEGIN EXECUTE 'SELECT 1'; END $$",
        "DO $$ BEGIN RAISE NOTICE 'execute me'; END $$",
        "DO $$ BEGIN GRANT EXECUTE ON FUNCTION f() TO app; END $$",
        "SELECT query_to_xml('select 1', true, false, '')",
        "ALTER TABLE users ALTER COLUMN role SET DEFAULT 'user'",
        "ALTER FUNCTION f() SET SCHEMA app",
        "EXECUTE p(1)",
      })
  void harmlessNeighboursPass(String sql) {
    // SET "Role" is the role parameter too (names ignore case): not harmless, see below.
    if (sql.contains("\"Role\"")) {
      assertThat(decide(sql).denied()).isTrue();
      return;
    }
    assertThat(decide(sql)).as(sql).isEqualTo(Decision.allow());
  }

  @Test
  void startupParametersAreSetsToo() {
    assertThat(GuardrailPolicy.decideStartup(List.of("user", "application_name"), null, RULES))
        .isEqualTo(Decision.allow());
    assertThat(GuardrailPolicy.decideStartup(List.of("user"), "-c search_path=x", RULES))
        .isEqualTo(Decision.allow());
    for (String options :
        List.of(
            "-c role=admin",
            "-crole=admin",
            "--role=admin",
            "-c ROLE=admin",
            "-c search_path=x   -c\\ role=y -c role=admin",
            "--session-authorization=admin",
            "-c session_authorization=admin")) {
      Decision d = GuardrailPolicy.decideStartup(List.of("user"), options, RULES);
      assertThat(d.denied()).as(options).isTrue();
      assertThat(d.message()).as(options).contains("startup parameter");
    }
    assertThat(GuardrailPolicy.decideStartup(List.of("user", "Role"), null, RULES).denied())
        .isTrue();
    assertThat(GuardrailPolicy.decideStartup(List.of("role"), "", Rules.none()).allowed()).isTrue();
  }

  @Test
  void reviewRulesHoldAndDenyRulesWin() {
    Rules rules =
        new Rules(
            Set.of("DROP"),
            Set.of(),
            List.of(),
            true,
            Set.of("DELETE", "UPDATE"),
            Set.of("pg_terminate_backend"),
            List.of("public.orders"),
            Rules.DEFAULT_HOLD_TIMEOUT);
    Decision delete = GuardrailPolicy.decide("DELETE FROM t WHERE id = 1", rules);
    assertThat(delete.review()).isTrue();
    assertThat(delete.allowed()).isFalse();
    assertThat(delete.ruleName()).isEqualTo("statement:DELETE");
    assertThat(delete.message()).contains("held for review");
    assertThat(GuardrailPolicy.decide("SELECT pg_terminate_backend(1)", rules).ruleName())
        .isEqualTo("function:pg_terminate_backend");
    assertThat(GuardrailPolicy.decide("SELECT * FROM orders", rules).ruleName())
        .isEqualTo("object:public.orders");
    // A deny anywhere in the text wins, whatever comes first.
    assertThat(GuardrailPolicy.decide("DELETE FROM t WHERE true; DROP TABLE t", rules).denied())
        .isTrue();
    assertThat(GuardrailPolicy.decide("DELETE FROM t", rules).ruleName()).isEqualTo("where:DELETE");
    assertThat(GuardrailPolicy.decide("SELECT 1", rules)).isEqualTo(Decision.allow());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "SET SESSION AUTHORIZATION",
        "set   session authorization",
        "SET ROLE",
        "SET search_path",
        "SET TIME ZONE",
        "RESET ROLE",
        "DROP",
        "DROP TABLE",
        "CREATE EXTENSION",
        "CREATE MATERIALIZED VIEW",
        "ALTER SYSTEM",
        "COPY PROGRAM",
        "DELETE",
        "TRUNCATE",
        "SECURITY LABEL",
        "REFRESH MATERIALIZED",
        "GRANT",
        "LISTEN",
      })
  void rulesTheMatcherCanProduceAreAccepted(String rule) {
    assertThat(Rules.statementProblem(rule)).as(rule).isNull();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "SET LOCAL ROLE",
        "SET SESSION ROLE",
        "CREATE OR REPLACE FUNCTION",
        "CREATE TEMP TABLE",
        "DROP TABEL",
        "DROP TABLE orders",
        "DELETE FROM",
        "DELETE FROM orders",
        "TRUNCATE TABLE",
        "COPY TO",
        "EXPLAIN ANALYZE",
        "TABLE",
        "WITH",
        "SELEC",
        "SET role = admin",
        "",
      })
  void rulesThatCanNeverMatchAreProblems(String rule) {
    assertThat(Rules.statementProblem(rule)).as(rule).isNotNull();
  }

  @Test
  void functionAndObjectRulesThatCanNeverMatch() {
    assertThat(Rules.functionProblem("pg_read_file")).isNull();
    assertThat(Rules.functionProblem("dblink*")).isNull();
    assertThat(Rules.functionProblem("pg_catalog.pg_read_file")).isNotNull();
    assertThat(Rules.functionProblem("pg_read_file()")).isNotNull();
    assertThat(Rules.functionProblem("pg read file")).isNotNull();
    assertThat(Rules.objectProblem("secret.*")).isNull();
    assertThat(Rules.objectProblem("payroll")).isNull();
    assertThat(Rules.objectProblem("db.secret.keys")).isNotNull();
    assertThat(Rules.objectProblem("\"Secret\".keys")).isNotNull();
    assertThat(Rules.objectProblem("secret keys")).isNotNull();
  }

  @Test
  void everyRuleOfTheDefaultsCanMatch() {
    RULES.deniedStatements().forEach(r -> assertThat(Rules.statementProblem(r)).as(r).isNull());
    RULES.deniedFunctions().forEach(r -> assertThat(Rules.functionProblem(r)).as(r).isNull());
    assertThat(decide("SET SESSION AUTHORIZATION admin").ruleName())
        .isEqualTo("statement:SET SESSION_AUTHORIZATION");
  }
}
