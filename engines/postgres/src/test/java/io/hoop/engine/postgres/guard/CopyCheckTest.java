package io.hoop.engine.postgres.guard;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CopyCheckTest {
  private static final ColumnRules RULES =
      ColumnRules.fromGlobs(List.of("public.customers.ssn", "hr.people.salary", "*.payments.card"));

  /** A rule for a column of any table: by names alone, any table may have it. */
  private static final ColumnRules ANY_TABLE = ColumnRules.fromGlobs(List.of("*.*.card_number"));

  @ParameterizedTest
  @ValueSource(
      strings = {
        "COPY orders TO STDOUT",
        "COPY public.orders TO STDOUT WITH (FORMAT csv)",
        "COPY customers (id, name) TO STDOUT",
        "copy \"customers\"(id) to stdout",
        "COPY hr.people (name) TO STDOUT",
        "COPY customers FROM STDIN",
        "SELECT 'COPY customers TO STDOUT'",
        "COPY other.customers TO STDOUT",
        "COPY public.payments (id, amount) TO STDOUT",
      })
  void copiesThatReadNoRuledColumnPass(String sql) {
    assertThat(CopyCheck.decide(sql, RULES)).as(sql).isEqualTo(Decision.allow());
  }

  @org.junit.jupiter.api.Test
  void aRuleForAnyTableRefusesACopyWithoutAColumnListOnly() {
    assertThat(CopyCheck.decide("COPY orders TO STDOUT", ANY_TABLE).denied()).isTrue();
    assertThat(CopyCheck.decide("COPY orders (id, total) TO STDOUT", ANY_TABLE).allowed()).isTrue();
    assertThat(CopyCheck.decide("COPY orders (id, card_number) TO STDOUT", ANY_TABLE).denied())
        .isTrue();
    assertThat(CopyCheck.decide("COPY orders TO STDOUT", ColumnRules.NONE).allowed()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "COPY customers TO STDOUT",
        "COPY public.customers TO STDOUT",
        "COPY customers (id, SSN) TO STDOUT",
        "COPY \"public\".\"customers\" (\"ssn\") TO STDOUT",
        "COPY hr.people TO STDOUT",
        "COPY hr.people (salary) TO '/tmp/x'",
        "COPY payments TO STDOUT",
        "COPY (SELECT id FROM orders) TO STDOUT",
        "SELECT 1; COPY customers TO STDOUT",
        "COPY customers TO STDOUT; SELECT 'x",
        "COPY customers (id, lower(ssn)) TO STDOUT",
      })
  void copiesThatMayReadARuledColumnAreRefused(String sql) {
    Decision d = CopyCheck.decide(sql, RULES);
    assertThat(d.denied()).as(sql).isTrue();
    assertThat(d.ruleName()).isEqualTo("masking:copy");
  }
}
