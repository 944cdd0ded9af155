package io.hoop.engine.postgres.sql;

/** The kinds of SQL token the tokenizer distinguishes. */
public enum TokenType {
  /** An unquoted word: keyword or identifier (PostgreSQL tells them apart only by grammar). */
  WORD,
  /** A double-quoted identifier; its value is unescaped and case is kept. */
  QUOTED_IDENTIFIER,
  /** A string constant ('...', E'...', U&'...', B'...', X'...'); the value is unescaped. */
  STRING,
  /** A dollar-quoted string ($$...$$ or $tag$...$tag$); the value is the body. */
  DOLLAR_STRING,
  NUMBER,
  /** A positional parameter such as $1. */
  PARAMETER,
  OPERATOR,
  /** One of ( ) [ ] , ; . : and ::. */
  PUNCT
}
