package io.hoop.engine.postgres.engine.internal;

import java.util.HashMap;
import java.util.Map;

/**
 * Reads which base column each column of a view is, from the view's {@code _RETURN} rule as {@code
 * pg_rewrite.ev_action::text} prints it: the outer query's target entries carry {@code
 * resorigtbl}/{@code resorigcol}, set by the parser for plain column references (through joins and
 * subqueries too) and 0 for computed columns. Only the outer query's target list is read, so scalar
 * subqueries and nested queries cannot lend their origins to the wrong column.
 */
final class ViewTargets {
  private ViewTargets() {}

  /**
   * View column number to {@code {origin table OID, origin column number}}; computed ones left out.
   */
  static Map<Integer, long[]> origins(String action) {
    Map<Integer, long[]> origins = new HashMap<>();
    int depth = 0;
    boolean inTargetList = false;
    int resno = 0;
    long table = 0;
    long column = 0;
    boolean junk = false;
    int n = action.length();
    for (int i = 0; i < n; i++) {
      char c = action.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == '"') {
        // A quoted string (e.g. a column name in :colnames) may hold any bracket.
        i = closingQuote(action, i);
      } else if (c == '{' || c == '(') {
        depth++;
        if (inTargetList && depth == 4) {
          resno = 0;
          table = 0;
          column = 0;
          junk = false;
        }
      } else if (c == '}' || c == ')') {
        if (inTargetList && depth == 4 && c == '}' && !junk && resno > 0 && table != 0) {
          origins.put(resno, new long[] {table, column});
        }
        depth--;
        if (inTargetList && depth < 3) {
          return origins;
        }
      } else if (c == ':') {
        int end = tokenEnd(action, i + 1);
        String key = action.substring(i + 1, end);
        if (depth == 2 && !inTargetList && key.equals("targetList")) {
          inTargetList = true;
        } else if (inTargetList && depth == 4) {
          int valueStart = skipSpaces(action, end);
          String value = action.substring(valueStart, tokenEnd(action, valueStart));
          switch (key) {
            case "resno" -> resno = parse(value);
            case "resorigtbl" -> table = parse(value);
            case "resorigcol" -> column = parse(value);
            case "resjunk" -> junk = value.equals("true");
            default -> {}
          }
        }
        i = end - 1;
      }
    }
    return origins;
  }

  private static int closingQuote(String s, int open) {
    int i = open + 1;
    while (i < s.length() && s.charAt(i) != '"') {
      i += s.charAt(i) == '\\' ? 2 : 1;
    }
    return i;
  }

  private static int tokenEnd(String s, int from) {
    int i = from;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c == ' ' || c == '{' || c == '}' || c == '(' || c == ')' || c == '\n') {
        break;
      }
      i += c == '\\' ? 2 : 1;
    }
    return Math.min(i, s.length());
  }

  private static int skipSpaces(String s, int from) {
    int i = from;
    while (i < s.length() && s.charAt(i) == ' ') {
      i++;
    }
    return i;
  }

  private static int parse(String value) {
    try {
      return (int) Long.parseLong(value);
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
