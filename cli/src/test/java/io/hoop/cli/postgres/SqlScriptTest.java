package io.hoop.cli.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Statement splitting against the places a {@code ;} does not end a statement, and broken input.
 */
class SqlScriptTest {
  private static List<String> sql(String script) {
    return SqlScript.split(script).stream().map(SqlScript.Statement::sql).toList();
  }

  @Test
  void splitsAtTopLevelSemicolonsAndDropsEmptyOnes() {
    assertThat(sql("select 1; select 2;;\n ; select 3"))
        .containsExactly("select 1", "select 2", "select 3");
    assertThat(sql("")).isEmpty();
    assertThat(sql(" ;\n;-- only a comment\n/* and another */;")).isEmpty();
  }

  @Test
  void numbersStatementsAndTheirFirstLine() {
    List<SqlScript.Statement> s = SqlScript.split("-- header\n\nselect 1;\n\n  select\n 2;");
    assertThat(s).extracting(SqlScript.Statement::index).containsExactly(1, 2);
    assertThat(s).extracting(SqlScript.Statement::line).containsExactly(3, 5);
  }

  @Test
  void semicolonsInsideStringsDoNotSplit() {
    assertThat(sql("select 'a;b'; select 'it''s; fine'"))
        .containsExactly("select 'a;b'", "select 'it''s; fine'");
    // A backslash is literal in a standard string: the quote after it closes the string.
    assertThat(sql("select 'a\\'; select 2")).containsExactly("select 'a\\'", "select 2");
  }

  @Test
  void escapeStringsTakeBackslashEscapes() {
    assertThat(sql("select E'a\\';b'; select 2")).containsExactly("select E'a\\';b'", "select 2");
    assertThat(sql("select e'\\\\'; select 2")).containsExactly("select e'\\\\'", "select 2");
    assertThat(sql("select E'x''y;z'; select 3")).containsExactly("select E'x''y;z'", "select 3");
    // An identifier ending in e is not an E string: the backslash stays literal.
    assertThat(sql("select type'a\\'; select 2")).containsExactly("select type'a\\'", "select 2");
    assertThat(sql("select U&'d\\0061t;a'; select 2"))
        .containsExactly("select U&'d\\0061t;a'", "select 2");
  }

  @Test
  void quotedIdentifiersDoNotSplit() {
    assertThat(sql("select 1 as \"a;\"\"b\"; select 2"))
        .containsExactly("select 1 as \"a;\"\"b\"", "select 2");
  }

  @Test
  void dollarQuotedBodiesDoNotSplit() {
    String fn =
        "create function f() returns int language plpgsql as $$ begin perform 1; return 2; end $$";
    assertThat(sql(fn + "; select f()")).containsExactly(fn, "select f()");
    String tagged = "do $body$ begin raise notice 'x;$$;'; end $body$";
    assertThat(sql(tagged + ";select 1")).containsExactly(tagged, "select 1");
    // $1 is a parameter, and $ inside an identifier is part of it: neither opens a quote.
    assertThat(sql("prepare p as select $1; select a$b$ from t; select 2"))
        .containsExactly("prepare p as select $1", "select a$b$ from t", "select 2");
    // A nested, different tag does not close the outer body.
    String nested = "select $a$ x $b$ ; $b$ ; $a$";
    assertThat(sql(nested + "; select 2")).containsExactly(nested, "select 2");
  }

  @Test
  void commentsDoNotSplitAndNest() {
    assertThat(sql("select 1 -- not here; \n; select /* a; /* nested; */ still; */ 2"))
        .containsExactly("select 1 -- not here;", "select /* a; /* nested; */ still; */ 2");
    // Quotes inside comments open nothing.
    assertThat(sql("select 1 /* it's */; select 2 -- don't\n; select 3"))
        .containsExactly("select 1 /* it's */", "select 2 -- don't", "select 3");
  }

  @Test
  void beginAtomicBodiesDoNotSplit() {
    String fn =
        "create or replace function g() returns int language sql begin atomic select 1;"
            + " select case when true then 2 end; end";
    assertThat(sql(fn + "; select g()")).containsExactly(fn, "select g()");
    // BEGIN as a transaction statement still ends at its semicolon.
    assertThat(sql("begin; select 1; end;")).containsExactly("begin", "select 1", "end");
  }

  @Test
  void parenthesesDoNotSplitAndAnUnclosedOneIsRefused() {
    String rule =
        "create rule r as on insert to t do also (insert into a values (1); insert into b values (2))";
    assertThat(sql(rule + "; select 2")).containsExactly(rule, "select 2");
    // A stray ) does not hide the next semicolon; a ( inside a string or comment counts for
    // nothing.
    assertThat(sql("select 1); select '(' /* ( */; select 3"))
        .containsExactly("select 1)", "select '(' /* ( */", "select 3");
    assertThatThrownBy(() -> SqlScript.split("select 1;\nselect (1;\ndrop table t;"))
        .isInstanceOf(SqlScript.ScriptException.class)
        .hasMessageContaining("line 2: a ( that is never closed");
  }

  @Test
  void unterminatedQuotesAndCommentsAreRefusedWithTheirLine() {
    assertThatThrownBy(() -> SqlScript.split("select 1;\nselect 'abc;\nselect 2;"))
        .isInstanceOf(SqlScript.ScriptException.class)
        .hasMessageContaining("line 2")
        .hasMessageContaining("never closed");
    assertThatThrownBy(() -> SqlScript.split("select $$ x"))
        .hasMessageContaining("$$ quoted body that is never closed");
    assertThatThrownBy(() -> SqlScript.split("select \"x"))
        .hasMessageContaining("quoted identifier");
    assertThatThrownBy(() -> SqlScript.split("select 1 /* /* */"))
        .hasMessageContaining("comment that is never closed");
    assertThatThrownBy(() -> SqlScript.split("select E'\\'")).hasMessageContaining("never closed");
  }

  @Test
  void psqlMetaCommandsAndNulCharactersAreRefused() {
    assertThatThrownBy(() -> SqlScript.split("select 1;\n\\set x 1\n"))
        .isInstanceOf(SqlScript.ScriptException.class)
        .hasMessageContaining("line 2")
        .hasMessageContaining("\\set");
    assertThatThrownBy(() -> SqlScript.split("select 1 \\gexec"))
        .hasMessageContaining("meta-command");
    assertThatThrownBy(() -> SqlScript.split("select 1;\nselect '\0'"))
        .hasMessageContaining("line 2")
        .hasMessageContaining("NUL");
    // Backslashes inside strings and comments are not meta-commands.
    assertThat(sql("select '\\x' -- \\q\n")).containsExactly("select '\\x' -- \\q");
  }

  @Test
  void aLastStatementWithoutSemicolonIsKept() {
    assertThat(sql("select 1;\nselect 2 -- trailing"))
        .containsExactly("select 1", "select 2 -- trailing");
  }

  @Test
  void longHostileInputIsLinear() {
    String many = "select ';';".repeat(50_000) + "/*".repeat(10_000) + "*/".repeat(10_000);
    long start = System.nanoTime();
    assertThat(SqlScript.split(many)).hasSize(50_000);
    assertThat(System.nanoTime() - start).isLessThan(5_000_000_000L);
  }
}
