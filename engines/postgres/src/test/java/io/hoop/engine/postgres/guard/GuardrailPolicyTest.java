package io.hoop.engine.postgres.guard;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoop.engine.postgres.internal.Glob;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class GuardrailPolicyTest {
  private static final Rules RULES =
      new Rules(
          Rules.defaults().deniedStatements(),
          Rules.defaults().deniedFunctions(),
          List.of("secret.*", "public.card?", "payroll"),
          true);

  private static Decision decide(String sql) {
    return GuardrailPolicy.decide(sql, RULES);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "SELECT * FROM orders WHERE id = 1",
        "select 'DROP TABLE x' as text",
        "SELECT \"drop\" FROM t",
        "select $$ drop table x $$",
        "-- DROP TABLE x\nSELECT 1",
        "/* DROP /* nested */ TABLE */ SELECT 1",
        "UPDATE orders SET total = 0 WHERE id = 3",
        "DELETE FROM orders WHERE created < now() - interval '1 year'",
        "ALTER TABLE orders DROP COLUMN note",
        "CREATE TABLE t (id int REFERENCES o(id) ON DELETE CASCADE ON UPDATE CASCADE)",
        "SELECT * FROM orders FOR UPDATE",
        "INSERT INTO t (id) VALUES (1) ON CONFLICT (id) DO UPDATE SET v = excluded.v",
        "MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN DELETE",
        "COPY orders TO STDOUT",
        "CREATE FUNCTION f() RETURNS text AS $$ SELECT 'don''t' $$ LANGUAGE sql",
        "SELECT drop_count, truncate_flag FROM stats",
        "SELECT pg_read_file_size FROM t",
        "SELECT * FROM public.cardholders",
        "SELECT * FROM keys",
        "",
        ";;"
      })
  void harmlessStatementsPass(String sql) {
    assertThat(decide(sql)).isEqualTo(Decision.allow());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "DROP TABLE orders | statement:DROP",
        "dRoP   TaBlE orders | statement:DROP",
        "\\tDROP\\n\\nTABLE orders | statement:DROP",
        "DROP/* hi */TABLE orders | statement:DROP",
        "DROP -- hi\\nTABLE orders | statement:DROP",
        "SELECT 1; DROP TABLE orders | statement:DROP",
        "SELECT ';'; DROP TABLE orders | statement:DROP",
        "TRUNCATE orders | statement:TRUNCATE",
        "ALTER SYSTEM SET fsync = off | statement:ALTER SYSTEM",
        "alter /**/ system set x = 1 | statement:ALTER SYSTEM",
        "COPY (SELECT 1) TO PROGRAM 'curl evil' | statement:COPY PROGRAM",
        "COPY orders FROM PROGRAM 'cat /etc/passwd' | statement:COPY PROGRAM",
        "CREATE EXTENSION dblink | statement:CREATE EXTENSION",
        "CREATE EXTENSION IF NOT EXISTS adminpack | statement:CREATE EXTENSION",
        "DO $$ BEGIN DROP TABLE orders; END $$ | statement:DROP",
        "DO $x$ BEGIN EXECUTE 'DROP TABLE orders'; END $x$ | statement:DROP",
        "DO 'BEGIN TRUNCATE orders; END' | statement:TRUNCATE",
        "DO LANGUAGE plpgsql $$ BEGIN PERFORM pg_read_file('/etc/passwd'); END $$ | function:pg_read_file",
        "CREATE OR REPLACE FUNCTION f() RETURNS void AS $$ DROP TABLE x $$ LANGUAGE sql | statement:DROP",
        "CREATE PROCEDURE p() LANGUAGE plpgsql AS 'BEGIN DELETE FROM t; END' | where:DELETE",
        "SELECT pg_read_file('/etc/passwd') | function:pg_read_file",
        "select PG_READ_FILE ( '/etc/passwd' ) | function:pg_read_file",
        "SELECT pg_catalog.pg_read_file('/etc/passwd') | function:pg_read_file",
        "SELECT \"pg_read_file\"('/etc/passwd') | function:pg_read_file",
        "SELECT U&\"pg\\005fread\\005ffile\"('/etc/passwd') | function:pg_read_file",
        "SELECT length(pg_read_file /* c */ ('/x')) | function:pg_read_file",
        "SELECT lo_export(1234, '/tmp/x') | function:lo_export",
        "SELECT * FROM dblink('host=x', 'select 1') AS t(a int) | function:dblink*",
        "SELECT dblink_exec('drop table x') | function:dblink*",
        "DELETE FROM orders | where:DELETE",
        "delete from orders -- WHERE id = 1 | where:DELETE",
        "UPDATE orders SET total = 0 | where:UPDATE",
        "UPDATE orders SET total = (SELECT 1 FROM x WHERE y) | where:UPDATE",
        "WITH gone AS (DELETE FROM orders RETURNING *) SELECT * FROM gone | where:DELETE",
        "EXPLAIN ANALYZE DELETE FROM orders | where:DELETE",
        "PREPARE p AS DELETE FROM orders | where:DELETE",
        "SELECT * FROM secret.keys | object:secret.*",
        "SELECT * FROM orders o JOIN \"secret\".\"keys\" k ON true | object:secret.*",
        "SELECT * FROM orders, payroll WHERE true | object:payroll",
        "SELECT * FROM orders AS o, public.payroll p | object:payroll",
        "INSERT INTO secret.keys VALUES (1) | object:secret.*",
        "UPDATE ONLY public.card1 SET x = 1 WHERE true | object:public.card?",
        "DELETE FROM card1 WHERE true | object:public.card?",
        "SELECT (SELECT max(x) FROM secret.k) | object:secret.*",
        "SELECT 'unterminated | unparseable",
        "SELECT 1 /* unterminated | unparseable",
        "DO $$ BEGIN NULL; | unparseable",
        "SELECT 'a\\'' ; DROP TABLE t; --' | statement:DROP"
      })
  void bypassAttemptsAreBlocked(String sql, String rule) {
    Decision d = decide(sql.replace("\\n", "\n").replace("\\t", "\t"));
    assertThat(d.allowed()).as(sql).isFalse();
    assertThat(d.ruleName()).isEqualTo(rule);
    assertThat(d.message()).contains(rule.equals("unparseable") ? "could not be parsed" : rule);
  }

  @Test
  void messagesNameTheRule() {
    assertThat(decide("DROP TABLE x").message())
        .isEqualTo(
            "statement blocked by guardrail statement:DROP: DROP statements are not allowed on"
                + " this target");
    assertThat(decide("SELECT 'x").message())
        .isEqualTo(
            "statement blocked: it could not be parsed (unterminated quoted string starting at"
                + " offset 7) and guardrails are active");
  }

  @Test
  void withoutRulesEverythingPassesEvenGarbage() {
    assertThat(GuardrailPolicy.decide("DROP TABLE x; SELECT 'x", Rules.none()).allowed()).isTrue();
  }

  @Test
  void configurableStatementKinds() {
    Rules rules = new Rules(Set.of("create role", "GRANT", "vacuum"), Set.of(), List.of(), false);
    assertThat(GuardrailPolicy.decide("CREATE ROLE x SUPERUSER", rules).ruleName())
        .isEqualTo("statement:CREATE ROLE");
    assertThat(GuardrailPolicy.decide("grant all on t to x", rules).ruleName())
        .isEqualTo("statement:GRANT");
    assertThat(GuardrailPolicy.decide("DELETE FROM t", rules).allowed()).isTrue();
    assertThat(GuardrailPolicy.decide("DROP TABLE t", rules).allowed()).isTrue();
    assertThat(GuardrailPolicy.decide("CREATE TABLE t (x int)", rules).allowed()).isTrue();
    Rules searchPath = new Rules(Set.of("SET search_path"), Set.of(), List.of(), false);
    assertThat(GuardrailPolicy.decide("set session search_path = secret", searchPath).allowed())
        .isFalse();
  }

  @Test
  void globMatching() {
    assertThat(Glob.matches("a*b?c", "AxxbYc")).isTrue();
    assertThat(Glob.matches("a*b?c", "abc")).isFalse();
    assertThat(Glob.matches("*", "")).isTrue();
    assertThat(Glob.matches("dblink*", "dblink")).isTrue();
  }
}
