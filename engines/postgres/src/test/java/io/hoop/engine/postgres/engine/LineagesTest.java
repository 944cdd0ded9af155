package io.hoop.engine.postgres.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoop.engine.postgres.mask.MaskRule;
import io.hoop.engine.postgres.mask.MaskStyle;
import io.hoop.engine.postgres.mask.MaskingRules;
import io.hoop.engine.postgres.message.frontend.FrontendMessage;
import io.hoop.engine.postgres.message.frontend.Parse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LineagesTest {
  private static final MaskingRules RULES =
      new MaskingRules(
          List.of(new MaskRule("public.customers.secret", MaskStyle.REDACT)),
          Set.of(),
          MaskStyle.REDACT,
          "0123456789abcdef-token-key".getBytes(StandardCharsets.UTF_8));

  @ParameterizedTest
  @ValueSource(
      strings = {
        "select id + 1 from customers",
        "select a*b from customers",
        "select count(*) from customers",
        "(select upper(secret) from customers)",
        "/* c */ select 'x' || secret from customers",
        "with c as (select secret from customers) select * from c",
        "values ((select secret from customers limit 1))",
        "insert into sink select 1, secret from customers returning s",
        "delete from customers where id = 1 returning secret || ''",
      })
  void queriesAndReturningWritesAreAskedAbout(String sql) {
    assertThat(Lineages.explainable(sql)).as(sql).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        // Plain names: the RowDescription knows their origins.
        "select id, note from customers",
        "select * from customers",
        "select c.* , c.id from customers c where secret like 'a%'",
        // Parameters cannot be planned without values on PostgreSQL 15.
        "select secret || $1 from customers",
        // Nothing to plan, or not a single statement, or not finished.
        "insert into sink values (1, 'x')",
        "fetch all from c",
        "execute p",
        "explain analyze select secret from customers",
        "set search_path = shadow",
        "select 1; select 2",
        "select 'unterminated",
        "",
      })
  void everythingElseIsNot(String sql) {
    assertThat(Lineages.explainable(sql)).as(sql).isFalse();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "set search_path = shadow",
        "reset all",
        "select set_config('search_path', 'shadow', false)",
        "select pg_catalog.\"set_config\"('search_path', 'shadow', false)",
        "discard all",
        "commit",
        "rollback",
        "end",
        "insert into sink values (1, 'x')",
        "create temp table customers (secret text)",
        "alter table x rename to y",
        "do $$begin perform 1; end$$",
        "call p()",
        "with w as (delete from sink returning 1) select * from w",
        "select U&\"set\\005fconfig\"('search_path', 'x', false)",
        "select 1; set search_path = x",
      })
  void whatMayChangeNamesClearsTheCache(String sql) {
    assertThat(new Lineages(RULES).keepsNames(sql)).as(sql).isFalse();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "select secret || '' from customers",
        "values (1)",
        "show search_path",
        "begin",
        "fetch all from c",
        "with c as (select 1) select * from c",
      })
  void readsKeepTheCache(String sql) {
    assertThat(new Lineages(RULES).keepsNames(sql)).as(sql).isTrue();
  }

  @Test
  void theQuestionIsOneStatementOnTheEnginesOwnNamesNeverAnalyze() {
    List<FrontendMessage> idle = Lineages.explain("select upper(secret) from customers", false);
    List<String> parsed =
        idle.stream().filter(m -> m instanceof Parse).map(m -> ((Parse) m).sql()).toList();
    assertThat(parsed)
        .containsExactly("EXPLAIN (VERBOSE, FORMAT JSON) select upper(secret) from customers");
    assertThat(idle.stream().filter(m -> m instanceof Parse).map(m -> ((Parse) m).statement()))
        .containsOnly(Lineages.NAME);
    List<String> inBlock =
        Lineages.explain("select 1", true).stream()
            .filter(m -> m instanceof Parse)
            .map(m -> ((Parse) m).sql())
            .toList();
    assertThat(inBlock)
        .containsExactly(
            "SAVEPOINT hoop_lineage",
            "EXPLAIN (VERBOSE, FORMAT JSON) select 1",
            "RELEASE SAVEPOINT hoop_lineage");
    assertThat(
            Lineages.repair().stream()
                .filter(m -> m instanceof Parse)
                .map(m -> ((Parse) m).sql())
                .toList())
        .containsExactly("ROLLBACK TO SAVEPOINT hoop_lineage", "RELEASE SAVEPOINT hoop_lineage");
    assertThat(parsed.toString().toLowerCase()).doesNotContain("analyze");
  }

  @Test
  void aNewCatalogOrAChangeForgetsEveryAnswer() {
    Lineages lineages = new Lineages(RULES);
    long before = lineages.epoch();
    lineages.bump();
    assertThat(lineages.epoch()).isGreaterThan(before);
    assertThat(lineages.cached("select 1")).isNull();
    // Without a catalog nothing is known: no question is needed or answered.
    assertThat(lineages.needed("select secret from customers")).isFalse();
    assertThat(lineages.answer("select 1", "[]", lineages.epoch())).isNull();
  }
}
