package io.hoop.cli.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The table, CSV and JSON renderings of statement results. */
class ResultRendererTest {
  static StatementResult rows(List<StatementResult.ColumnInfo> columns, List<List<String>> rows) {
    return new StatementResult(
        1,
        1,
        "select",
        StatementResult.OK,
        "SELECT " + rows.size(),
        columns,
        rows,
        null,
        List.of(),
        null);
  }

  static String render(ResultRenderer.Format format, StatementResult... results) {
    StringWriter s = new StringWriter();
    PrintWriter out = new PrintWriter(s);
    ResultRenderer r = ResultRenderer.of(format, out);
    for (StatementResult result : results) {
      r.statement(result);
    }
    r.finish("db", "g-1", List.of(results), 0);
    return s.toString();
  }

  @Test
  void csvQuotesPerRfc4180AndTellsNullFromEmpty() {
    StatementResult r =
        rows(
            List.of(
                new StatementResult.ColumnInfo("a,b", 25), new StatementResult.ColumnInfo("v", 25)),
            List.of(
                Arrays.asList("x", null),
                Arrays.asList("", "say \"hi\""),
                Arrays.asList("line1\nline2", "cr\rhere"),
                Arrays.asList(" spaced ", "plain")));
    assertThat(render(ResultRenderer.Format.csv, r))
        .isEqualTo(
            "\"a,b\",v\r\n"
                + "x,\r\n"
                + "\"\",\"say \"\"hi\"\"\"\r\n"
                + "\"line1\nline2\",\"cr\rhere\"\r\n"
                + " spaced ,plain\r\n");
  }

  @Test
  void tableLooksLikePsqlAligned() {
    StatementResult r =
        rows(
            List.of(
                new StatementResult.ColumnInfo("id", 23),
                new StatementResult.ColumnInfo("name", 25)),
            List.of(List.of("1", "Alice"), List.of("10", "Bo\nb"), Arrays.asList("2", null)));
    StatementResult insert =
        new StatementResult(
            2, 2, "insert", StatementResult.OK, "INSERT 0 1", null, null, null, List.of(), null);
    assertThat(render(ResultRenderer.Format.table, r, insert))
        .isEqualTo(
            String.join(
                System.lineSeparator(),
                " id | name",
                "----+-------",
                "  1 | Alice",
                " 10 | Bo   +",
                "    | b",
                "  2 |",
                "(3 rows)",
                "",
                "INSERT 0 1",
                ""));
  }

  @Test
  void tableEscapesTerminalControlCharacters() {
    StatementResult r =
        rows(
            List.of(new StatementResult.ColumnInfo("v", 25)),
            List.of(List.of("\u001b]0;pwned\u0007red\u001b[31m\ttab")));
    assertThat(render(ResultRenderer.Format.table, r))
        .contains("\\x1b]0;pwned\\x07red\\x1b[31m\\x09tab")
        .doesNotContain("\u001b");
  }

  @Test
  void jsonIsOneDocumentWithStableFields() throws Exception {
    StatementResult r =
        rows(
            List.of(new StatementResult.ColumnInfo("n", 23)),
            List.of(Arrays.asList((String) null)));
    var doc = io.hoop.api.Json.mapper().readTree(render(ResultRenderer.Format.json, r));
    assertThat(doc.fieldNames())
        .toIterable()
        .containsExactly("target", "grant", "exitCode", "statements");
    var s = doc.get("statements").get(0);
    assertThat(s.fieldNames())
        .toIterable()
        .containsExactly(
            "index", "line", "sql", "status", "command", "columns", "rows", "copy", "notices",
            "error");
    assertThat(s.get("rows").get(0).get(0).isNull()).isTrue();
    assertThat(s.get("error").isNull()).isTrue();
    assertThat(s.get("columns").get(0).get("typeOid").asInt()).isEqualTo(23);
  }
}
