package io.hoop.engine.postgres.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoop.engine.postgres.mask.ColumnResolver;
import io.hoop.engine.postgres.mask.MaskRule;
import io.hoop.engine.postgres.mask.MaskStyle;
import io.hoop.engine.postgres.mask.MaskingRules;
import io.hoop.engine.postgres.message.backend.DataRow;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ColumnCatalogTest {
  private static DataRow row(String... values) {
    return new DataRow(
        Arrays.stream(values)
            .map(v -> v == null ? null : v.getBytes(StandardCharsets.UTF_8))
            .toList());
  }

  @Test
  void resolvesRuledColumnsThroughViewsAndFailsClosedOnUnknownTables() {
    ColumnCatalog.Loader loader = new ColumnCatalog.Loader();
    loader.accept(row("c", "100", "3", "public.users.ssn"));
    loader.accept(
        row(
            "v",
            "200",
            "0",
            "({QUERY :targetList ({TARGETENTRY :resno 1 :resorigtbl 100 :resorigcol 3"
                + " :resjunk false})})"));
    loader.accept(
        row(
            "v",
            "300",
            "0",
            "({QUERY :targetList ({TARGETENTRY :resno 4 :resorigtbl 200 :resorigcol 1"
                + " :resjunk false})})"));
    loader.accept(row("k", null, null, "300,100,200,-5"));
    loader.accept(row("x"));
    ColumnCatalog catalog = loader.build();

    assertThat(catalog.resolve(100, 3)).isEqualTo("public.users.ssn");
    assertThat(catalog.resolve(100, 1)).isNull();
    assertThat(catalog.resolve(200, 1)).isEqualTo("public.users.ssn");
    assertThat(catalog.resolve(300, 4)).isEqualTo("public.users.ssn");
    assertThat(catalog.resolve(300, 1)).isNull();
    assertThat(catalog.knows(-5)).isTrue();
    assertThat(catalog.resolve(400, 1)).isEqualTo(ColumnResolver.UNRESOLVED);
    assertThat(ColumnCatalog.EMPTY.resolve(100, 3)).isEqualTo(ColumnResolver.UNRESOLVED);
  }

  @Test
  void globsBecomeEscapedCaseInsensitivePatterns() {
    assertThat(ColumnCatalog.likeLiteral("public.*.e?ail")).isEqualTo("E'public.%.e_ail'");
    assertThat(ColumnCatalog.likeLiteral("a_b%c\\d'e")).isEqualTo("E'a\\\\_b\\\\%c\\\\\\\\d''e'");
    String query =
        ColumnCatalog.query(
            new MaskingRules(
                List.of(new MaskRule("*.users.ssn", MaskStyle.REDACT)),
                Set.of(),
                MaskStyle.REDACT,
                new byte[16]));
    assertThat(query).contains("any (array[E'%.users.ssn']").contains("pg_catalog.pg_rewrite");
  }
}
