package io.hoop.engine.postgres.mask;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The plan reader against real PostgreSQL 15 plans ({@code plans-pg15.txt}, from {@code EXPLAIN
 * (VERBOSE, FORMAT JSON)} of each statement over the LineageIT schema): per result column, C clean,
 * R redacted, T tokenized, U unknown. Rules: {@code public.customers.secret} redact (0), {@code
 * public.customers.note} token (1); {@code mv_derived} derives from customers; {@code leak}, {@code
 * leak_set} and {@code f_sql} are user-defined functions.
 */
class PlanLineageTest {
  private static final MaskingRules RULES =
      new MaskingRules(
          List.of(
              new MaskRule("public.customers.secret", MaskStyle.REDACT),
              new MaskRule("public.customers.note", MaskStyle.TOKEN)),
          Set.of(),
          MaskStyle.REDACT,
          "0123456789abcdef-token-key".getBytes(StandardCharsets.UTF_8));

  private static final LineageCatalog CATALOG =
      new LineageCatalog() {
        @Override
        public int ruleOf(String schema, String table, String column) {
          if (!schema.equals("public") || !table.equals("customers")) {
            return -1;
          }
          return switch (column) {
            case "secret" -> 0;
            case "note" -> 1;
            default -> -1;
          };
        }

        @Override
        public BitSet rulesOf(String schema, String table) {
          BitSet b = new BitSet();
          if (schema.equals("public") && table.equals("customers")) {
            b.set(0, 2);
          }
          return b;
        }

        @Override
        public boolean derived(String schema, String table) {
          return schema.equals("public") && table.equals("mv_derived");
        }

        @Override
        public boolean userFunction(String name) {
          return Set.of("leak", "leak_set", "f_sql").contains(name);
        }
      };

  private static final Map<String, String> PLANS = plans();

  private static Map<String, String> plans() {
    try (InputStream in = PlanLineageTest.class.getResourceAsStream("plans-pg15.txt")) {
      String[] lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n");
      Map<String, String> plans = new LinkedHashMap<>();
      for (int i = 0; i + 1 < lines.length; i += 2) {
        plans.put(lines[i].substring(3), lines[i + 1]);
      }
      return plans;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String verdicts(String sql) {
    String json = PLANS.get(sql);
    assertThat(json).as("a plan for " + sql).isNotNull();
    ResultLineage lineage = PlanLineage.analyze(json, CATALOG, RULES);
    assertThat(lineage).as(sql).isNotNull();
    return lineage.columns().stream()
        .map(
            c ->
                c.unknown()
                    ? "U"
                    : c.style() == null ? "C" : c.style() == MaskStyle.TOKEN ? "T" : "R")
        .collect(Collectors.joining());
  }

  @ParameterizedTest
  @CsvSource(
      delimiterString = " => ",
      quoteCharacter = '"',
      value = {
        "select count(*) from customers => C",
        "select id, note from customers => CT",
        "select id + 1, upper(note), secret || '' from customers => CTR",
        "select upper(secret) from customers => R",
        "select c.id, upper(c.secret) from customers c join plain p on p.i = c.id => CR",
        "select 'x' union select secret from customers => R",
        "select secret from customers union all select 'x' => R",
        "select x from (select lower(secret) x, id from customers limit 1) s => R",
        "with c as materialized (select secret s from customers) select s || '' from c => R",
        "with c as (select secret s from customers) select s || '' from c => R",
        "select row_to_json(c) from customers c => R",
        "select t from customers t => R",
        "select customers from customers => R",
        "select (c).secret from customers c => R",
        "select column1 || '' from (values ((select secret from customers limit 1))) v => R",
        "select v.x from customers c, lateral (values (c.secret), ('a')) v(x) => R",
        "select x from customers c, lateral (select c.secret || '' as x offset 0) s => R",
        "select u from customers, unnest(array[secret]) u => R",
        "select * from leak_set() => U",
        "select leak() => U",
        "select f_sql(secret) from customers => R",
        "select (select secret from customers limit 1) => R",
        "select id, (select secret from customers c2 where c2.id = c.id) from customers c => CR",
        "insert into plain select id, secret from customers returning s, i + 1 => RR",
        "insert into customers values (5, 'a', 'b') returning id + 1 => C",
        "with recursive r(n, s) as (select 1, secret from customers union all select n + 1, s"
            + " from r where n < 3) select s || '' from r => R",
        "select * from xmltable('/a' passing (select secret::xml from customers limit 1) columns x"
            + " text path '.') => R",
        "select id from customers where secret like '1%' => C",
        "select count(*) from customers where secret like '1%' => C",
        "select u || '' from mv_derived => U",
        "select id + 0 from mv_derived => U",
        "select x || '' from v_fn => U",
        "select secret || note, note || '' from customers => RT",
        "select string_agg(secret, ',') over (), id + 1 from customers => RC",
        "select encode(secret::bytea, 'base64'), id * 2 from customers => RC",
        "select json_agg(c) from customers c => R",
        "select array_agg(secret) from customers => R",
        "select format('%s', secret), concat(secret), substr(secret, 1), id::text from customers"
            + " => RRRC",
        "select secret as harmless, id as other from customers => RC",
        "select count(*), max(id) from customers c join plain p on p.s = c.secret => CC",
      })
  void eachResultColumnGetsItsOwnLineage(String sql, String expected) {
    assertThat(verdicts(sql)).as(sql).isEqualTo(expected);
  }

  @Test
  void writesAreFlaggedSoDirectColumnsAreJudgedToo() {
    String sql = "insert into plain select id, secret from customers returning s, i + 1";
    assertThat(PlanLineage.analyze(PLANS.get(sql), CATALOG, RULES).writes()).isTrue();
    assertThat(
            PlanLineage.analyze(PLANS.get("select count(*) from customers"), CATALOG, RULES)
                .writes())
        .isFalse();
  }

  @Test
  void aPartialRuleBecomesRedactOnADerivation() {
    MaskingRules partial =
        new MaskingRules(
            List.of(new MaskRule("public.customers.secret", MaskStyle.PARTIAL)),
            Set.of(),
            MaskStyle.REDACT,
            "0123456789abcdef-token-key".getBytes(StandardCharsets.UTF_8));
    ResultLineage lineage =
        PlanLineage.analyze(PLANS.get("select upper(secret) from customers"), CATALOG, partial);
    assertThat(lineage.column(0).style()).isEqualTo(MaskStyle.REDACT);
    // Beyond the output list: unknown.
    assertThat(lineage.column(5).unknown()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "not json",
        "{}",
        "[]",
        "[{}]",
        "[{\"Plan\": 3}]",
        "[{\"Plan\": {\"Node Type\": \"Seq Scan\", \"Output\": [\"x.",
        "{\"Plan\": {}}",
      })
  void malformedPlansAreUnknown(String json) {
    ResultLineage lineage = PlanLineage.analyze(json, CATALOG, RULES);
    if (lineage != null) {
      // Read, but nothing in it: no column is known.
      assertThat(lineage.columns()).isEmpty();
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        // A qualifier no scan introduced.
        "[{\"Plan\": {\"Node Type\": \"Result\", \"Output\": [\"ghost.secret\"]}}]",
        // A parameter no InitPlan returns, a SubPlan that is not there.
        "[{\"Plan\": {\"Node Type\": \"Result\", \"Output\": [\"($7 || 'x')\"]}}]",
        "[{\"Plan\": {\"Node Type\": \"Result\", \"Output\": [\"(SubPlan 9)\"]}}]",
        // A user-defined function, also schema-qualified and quoted.
        "[{\"Plan\": {\"Node Type\": \"Result\", \"Output\": [\"public.leak()\"]}}]",
        "[{\"Plan\": {\"Node Type\": \"Result\", \"Output\": [\"\\\"leak\\\"()\"]}}]",
        // A scan kind the reader does not know, with its own alias.
        "[{\"Plan\": {\"Node Type\": \"Named Tuplestore Scan\", \"Alias\": \"n\","
            + " \"Output\": [\"n.a\"]}}]",
        // A CTE scan of a CTE the plan does not hold.
        "[{\"Plan\": {\"Node Type\": \"CTE Scan\", \"CTE Name\": \"c\", \"Alias\": \"c\","
            + " \"Output\": [\"c.a\"]}}]",
        // A function scan of a non-system function.
        "[{\"Plan\": {\"Node Type\": \"Function Scan\", \"Schema\": \"public\", \"Alias\": \"f\","
            + " \"Function Call\": \"f()\", \"Output\": [\"f.f\"]}}]",
        // Set operation members of different widths.
        "[{\"Plan\": {\"Node Type\": \"Append\", \"Plans\": [{\"Node Type\": \"Result\","
            + " \"Output\": [\"1\"]}, {\"Node Type\": \"Result\", \"Output\": [\"1\", \"2\"]}]}}]",
      })
  void whatTheReaderCannotPlaceIsUnknown(String json) {
    ResultLineage lineage = PlanLineage.analyze(json, CATALOG, RULES);
    assertThat(lineage).isNotNull();
    assertThat(lineage.column(0).unknown()).as(json).isTrue();
  }

  @Test
  void literalsAndQuotedNamesDoNotFoolTheTokens() {
    // A literal naming a ruled column is no reference; a quoted alias with odd characters is.
    String literal =
        "[{\"Plan\": {\"Node Type\": \"Seq Scan\", \"Relation Name\": \"customers\", \"Schema\":"
            + " \"public\", \"Alias\": \"c\", \"Output\": [\"'c.secret'::text\","
            + " \"E'it''s \\\\\\\\' || c.id\"]}}]";
    assertThat(PlanLineage.analyze(literal, CATALOG, RULES).columns())
        .containsExactly(ResultLineage.Column.CLEAN, ResultLineage.Column.CLEAN);
    String quoted =
        "[{\"Plan\": {\"Node Type\": \"Seq Scan\", \"Relation Name\": \"customers\", \"Schema\":"
            + " \"public\", \"Alias\": \"we\\\"ird.x\", \"Output\": [\"upper(\\\"we\\\"\\\"ird.x\\\".secret)\"]}}]";
    assertThat(PlanLineage.analyze(quoted, CATALOG, RULES).column(0).style())
        .isEqualTo(MaskStyle.REDACT);
  }

  @Test
  void oversizedAndDeeplyNestedPlansAreUnknownNotACrash() {
    String big = "[" + " ".repeat(PlanLineage.MAX_JSON_CHARS) + "]";
    assertThat(PlanLineage.analyze(big, CATALOG, RULES)).isNull();
    StringBuilder deep = new StringBuilder("[{\"Plan\": ");
    int depth = 5000;
    for (int i = 0; i < depth; i++) {
      deep.append("{\"Node Type\": \"Limit\", \"Plans\": [");
    }
    deep.append("{}");
    for (int i = 0; i < depth; i++) {
      deep.append("]}");
    }
    deep.append("}]");
    assertThat(PlanLineage.analyze(deep.toString(), CATALOG, RULES)).isNull();
  }
}
