package io.hoop.engine.postgres.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ViewTargetsTest {
  /**
   * {@code create view v as select u.id, u.ssn as tax, (select email from users limit 1) as e,
   * upper(u.email) as up from users u}, users having OID 16384, as PostgreSQL 15 stores it.
   */
  private static String pg15Action() throws IOException {
    try (InputStream in = ViewTargetsTest.class.getResourceAsStream("view-action-pg15.txt")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
    }
  }

  @Test
  void plainReferencesMapToTheirBaseColumnsAndComputedOnesToNothing() throws IOException {
    Map<Integer, long[]> origins = ViewTargets.origins(pg15Action());
    assertThat(origins).containsOnlyKeys(1, 2);
    assertThat(origins.get(1)).containsExactly(16384, 1);
    assertThat(origins.get(2)).containsExactly(16384, 3);
  }

  @Test
  void bracketsInQuotedNamesAndEscapesDoNotConfuseTheNesting() {
    String action =
        "({QUERY :commandType 1 :rtable ({RANGETBLENTRY :eref {ALIAS :colnames (\"a)b}\""
            + " \"c\\\"(\")}}) :targetList ({TARGETENTRY :expr {VAR :varno 1} :resno 1 :resname"
            + " a\\)b :ressortgroupref 0 :resorigtbl 77 :resorigcol 5 :resjunk false}"
            + " {TARGETENTRY :expr {VAR :varno 1} :resno 2 :resname x :resorigtbl 77 :resorigcol 6"
            + " :resjunk true}) :havingQual <>})";
    Map<Integer, long[]> origins = ViewTargets.origins(action);
    assertThat(origins).containsOnlyKeys(1);
    assertThat(origins.get(1)).containsExactly(77, 5);
  }

  @Test
  void garbageYieldsNoOrigins() {
    assertThat(ViewTargets.origins("")).isEmpty();
    assertThat(ViewTargets.origins("((((:targetList {{{ :resno")).isEmpty();
    assertThat(ViewTargets.origins(")))}}} :resno 1 :resorigtbl 5")).isEmpty();
  }
}
