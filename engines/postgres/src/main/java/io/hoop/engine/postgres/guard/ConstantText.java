package io.hoop.engine.postgres.guard;

import io.hoop.engine.postgres.sql.Token;
import io.hoop.engine.postgres.sql.TokenType;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads function arguments whose text must be known to judge the call ({@code set_config}'s
 * parameter name, the query of {@code query_to_xml}): string constants in any spelling the
 * tokenizer unescapes ({@code E'\x72ole'}, {@code U&'\0072ole'}, dollar quotes), typed literals
 * ({@code text 'role'}), casts ({@code ::text}), parentheses and {@code ||} concatenation. Anything
 * else (a column, a parameter, a function call, a subquery) is not constant: callers fail closed.
 */
final class ConstantText {
  private static final Set<String> TEXT_TYPES = Set.of("text", "varchar", "name");

  private ConstantText() {}

  /**
   * The arguments of the call whose {@code (} is at {@code open}, as token ranges; null if open.
   */
  static List<int[]> arguments(List<Token> tokens, int open) {
    List<int[]> args = new ArrayList<>();
    int depth = 0;
    int start = open + 1;
    for (int j = open; j < tokens.size(); j++) {
      Token t = tokens.get(j);
      if (t.isPunct("(") || t.isPunct("[")) {
        depth++;
      } else if (t.isPunct(")") || t.isPunct("]")) {
        depth--;
        if (depth == 0) {
          if (j > start || !args.isEmpty()) {
            args.add(new int[] {start, j});
          }
          return args;
        }
      } else if (depth == 1 && t.isPunct(",")) {
        args.add(new int[] {start, j});
        start = j + 1;
      }
    }
    return null;
  }

  /** The text of tokens {@code [from, to)} when it is a constant string expression, else null. */
  static String of(List<Token> tokens, int from, int to) {
    int[] pos = {from};
    String value = concatenation(tokens, pos, to);
    return value != null && pos[0] == to ? value : null;
  }

  private static String concatenation(List<Token> tokens, int[] pos, int to) {
    String value = operand(tokens, pos, to);
    if (value == null) {
      return null;
    }
    StringBuilder out = new StringBuilder(value);
    while (pos[0] < to
        && tokens.get(pos[0]).type() == TokenType.OPERATOR
        && tokens.get(pos[0]).value().equals("||")) {
      pos[0]++;
      String next = operand(tokens, pos, to);
      if (next == null) {
        return null;
      }
      out.append(next);
    }
    return out.toString();
  }

  private static String operand(List<Token> tokens, int[] pos, int to) {
    if (pos[0] >= to) {
      return null;
    }
    Token t = tokens.get(pos[0]);
    String value;
    if (t.type() == TokenType.STRING || t.type() == TokenType.DOLLAR_STRING) {
      value = t.value();
      pos[0]++;
    } else if (t.type() == TokenType.WORD
        && TEXT_TYPES.contains(t.value())
        && pos[0] + 1 < to
        && tokens.get(pos[0] + 1).type() == TokenType.STRING) {
      // A typed literal: text 'role', varchar 'role', name 'role'.
      value = tokens.get(pos[0] + 1).value();
      pos[0] += 2;
    } else if (t.isPunct("(")) {
      int close = matching(tokens, pos[0], to);
      if (close < 0) {
        return null;
      }
      value = of(tokens, pos[0] + 1, close);
      pos[0] = close + 1;
    } else {
      return null;
    }
    if (value == null) {
      return null;
    }
    // Casts that keep the text as it is: text, varchar and name without a length (a length, char
    // or bpchar could cut or trim 'roleX' into 'role'). Any other cast is not constant.
    while (pos[0] < to && tokens.get(pos[0]).isPunct("::")) {
      pos[0]++;
      if (pos[0] + 1 < to
          && tokens.get(pos[0]).isName()
          && tokens.get(pos[0]).value().equals("pg_catalog")
          && tokens.get(pos[0] + 1).isPunct(".")) {
        pos[0] += 2;
      }
      if (pos[0] < to && tokens.get(pos[0]).isWord("character")) {
        pos[0]++;
        if (pos[0] >= to || !tokens.get(pos[0]).isWord("varying")) {
          return null;
        }
      } else if (pos[0] >= to
          || !tokens.get(pos[0]).isName()
          || !TEXT_TYPES.contains(tokens.get(pos[0]).value())) {
        return null;
      }
      pos[0]++;
      if (pos[0] < to && (tokens.get(pos[0]).isPunct("(") || tokens.get(pos[0]).isPunct("["))) {
        return null;
      }
    }
    return value;
  }

  private static int matching(List<Token> tokens, int open, int to) {
    int depth = 0;
    for (int j = open; j < to; j++) {
      if (tokens.get(j).isPunct("(")) {
        depth++;
      } else if (tokens.get(j).isPunct(")") && --depth == 0) {
        return j;
      }
    }
    return -1;
  }
}
