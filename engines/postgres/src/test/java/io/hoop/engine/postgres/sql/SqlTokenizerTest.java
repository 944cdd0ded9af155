package io.hoop.engine.postgres.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SqlTokenizerTest {
  private static List<String> values(String sql) {
    TokenizedSql t = SqlTokenizer.tokenize(sql);
    assertThat(t.problem()).isNull();
    return t.statements().stream()
        .flatMap(s -> s.tokens().stream())
        .map(tok -> tok.type() + ":" + tok.value())
        .collect(Collectors.toList());
  }

  @Test
  void wordsAreLowerCasedAndKindsDistinguished() {
    assertThat(values("SeLeCt a.b, \"Mixed\"\"Q\" FROM t WHERE x >= $1::int AND y = 1.5e-3"))
        .containsExactly(
            "WORD:select",
            "WORD:a",
            "PUNCT:.",
            "WORD:b",
            "PUNCT:,",
            "QUOTED_IDENTIFIER:Mixed\"Q",
            "WORD:from",
            "WORD:t",
            "WORD:where",
            "WORD:x",
            "OPERATOR:>=",
            "PARAMETER:$1",
            "PUNCT:::",
            "WORD:int",
            "WORD:and",
            "WORD:y",
            "OPERATOR:=",
            "NUMBER:1.5e-3");
  }

  @Test
  void commentsDisappearIncludingNestedBlocks() {
    assertThat(values("DR/* a /* nested */ still comment */OP -- tail ; DROP\nx"))
        .containsExactly("WORD:dr", "WORD:op", "WORD:x");
    assertThat(values("a--b\nc")).containsExactly("WORD:a", "WORD:c");
    assertThat(values("1-/*x*/-2"))
        .containsExactly("NUMBER:1", "OPERATOR:-", "OPERATOR:-", "NUMBER:2");
  }

  @Test
  void stringsAndTheirEscapes() {
    assertThat(values("'it''s; -- not a comment'"))
        .containsExactly("STRING:it's; -- not a comment");
    assertThat(values("E'a\\'b\\n\\x41\\101\\u0042'")).containsExactly("STRING:a'b\nAAB");
    // With standard strings a backslash is literal, so the quote after it closes the string.
    assertThat(values("'a\\' ; drop")).containsExactly("STRING:a\\", "WORD:drop");
    assertThat(values("U&'d\\0061t\\+000061' U&\"pg\\005fread\""))
        .containsExactly("STRING:data", "QUOTED_IDENTIFIER:pg_read");
    assertThat(values("x'1F' b'01' n'nat'"))
        .containsExactly("STRING:1F", "STRING:01", "STRING:nat");
  }

  @Test
  void nonStandardStringsTreatBackslashAsEscape() {
    TokenizedSql t = SqlTokenizer.tokenize("SELECT 'a\\'' ; DROP TABLE t; --'", false);
    // The trailing "--'" is a comment in this reading, so two statements remain.
    assertThat(t.statements()).hasSize(2);
    assertThat(t.statements().get(1).tokens().get(0).value()).isEqualTo("drop");
    TokenizedSql standard = SqlTokenizer.tokenize("SELECT 'a\\'' ; DROP TABLE t; --'", true);
    assertThat(standard.statements()).hasSize(1);
  }

  @Test
  void dollarQuoting() {
    assertThat(values("DO $$ BEGIN DROP TABLE t; END $$; $fn$ a $$ b $fn$ $x1"))
        .containsExactly(
            "WORD:do",
            "DOLLAR_STRING: BEGIN DROP TABLE t; END ",
            "DOLLAR_STRING: a $$ b ",
            "OPERATOR:$",
            "WORD:x1");
    assertThat(values("SELECT a$b$c, $1, $"))
        .containsExactly(
            "WORD:select", "WORD:a$b$c", "PUNCT:,", "PARAMETER:$1", "PUNCT:,", "OPERATOR:$");
  }

  @Test
  void statementsSplitOnTopLevelSemicolonsOnly() {
    TokenizedSql t =
        SqlTokenizer.tokenize("select ';'; select \";\" ;; /* ; */ select $$;$$; -- ;\n");
    assertThat(t.statements()).hasSize(3);
    assertThat(t.statements())
        .allSatisfy(s -> assertThat(s.tokens().get(0).isWord("SELECT")).isTrue());
  }

  @Test
  void unterminatedConstructsAreFlagged() {
    assertThat(SqlTokenizer.tokenize("select 'abc").problem())
        .isEqualTo("unterminated quoted string starting at offset 7");
    assertThat(SqlTokenizer.tokenize("select /* /* */").problem())
        .isEqualTo("unterminated block comment starting at offset 7");
    assertThat(SqlTokenizer.tokenize("select \"x").problem())
        .isEqualTo("unterminated quoted identifier starting at offset 7");
    assertThat(SqlTokenizer.tokenize("DO $body$ drop").problem())
        .isEqualTo("unterminated dollar-quoted string $body$ starting at offset 3");
    assertThat(SqlTokenizer.tokenize("select E'\\").problem()).startsWith("unterminated");
  }

  @Test
  void hostileInputNeverThrows() {
    String[] inputs = {
      "",
      "\0",
      "\\",
      "'",
      "\"",
      "$",
      "$$",
      "$a",
      "E'\\x",
      "U&'\\+",
      "1e+",
      ".",
      "::",
      "/*",
      "*/",
      "-",
      "\uD800",
      "E'\\u12",
      "\u00e9t\u00e9",
      "{}",
      "U&\"\\0"
    };
    for (String s : inputs) {
      SqlTokenizer.tokenize(s);
      SqlTokenizer.tokenize(s, false);
    }
    assertThat(values("caf\u00e9 \u00e9l\u00e8ve"))
        .containsExactly("WORD:caf\u00e9", "WORD:\u00e9l\u00e8ve");
  }
}
