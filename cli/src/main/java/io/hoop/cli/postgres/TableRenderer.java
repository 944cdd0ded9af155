package io.hoop.cli.postgres;

import static java.util.Objects.requireNonNull;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * psql's aligned format: centred headers, {@code |} between columns, numbers right-aligned, a
 * {@code +} where a value goes on to the next line, {@code (N rows)} below; statements without rows
 * print their command tag. Control characters other than the newline print as {@code \xNN}, so a
 * value cannot move the cursor or recolour the terminal.
 */
final class TableRenderer implements ResultRenderer {
  /** int8, int2, int4, oid, float4, float8, money, numeric. */
  private static final Set<Integer> NUMERIC = Set.of(20, 21, 23, 26, 700, 701, 790, 1700);

  private final PrintWriter out;

  TableRenderer(PrintWriter out) {
    this.out = requireNonNull(out, "out");
  }

  @Override
  public void statement(StatementResult r) {
    if (r.copy() != null) {
      out.print(r.copy());
    } else if (r.columns() != null && r.error() == null) {
      table(r);
    } else if (r.command() != null && !r.command().isEmpty()) {
      out.println(r.command());
    }
    out.flush();
  }

  @Override
  public void finish(String target, String grant, List<StatementResult> all, int exitCode) {
    out.flush();
  }

  private void table(StatementResult r) {
    int n = r.columns().size();
    int[] widths = new int[n];
    boolean[] right = new boolean[n];
    List<String[]> headers = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String[] lines = lines(r.columns().get(i).name());
      headers.add(lines);
      widths[i] = width(lines);
      right[i] = NUMERIC.contains(r.columns().get(i).typeOid());
    }
    List<String[][]> cells = new ArrayList<>(r.rows().size());
    for (List<String> row : r.rows()) {
      String[][] c = new String[n][];
      for (int i = 0; i < n; i++) {
        c[i] = lines(row.get(i));
        widths[i] = Math.max(widths[i], width(c[i]));
      }
      cells.add(c);
    }
    line(headers.toArray(String[][]::new), widths, null);
    StringBuilder rule = new StringBuilder();
    for (int i = 0; i < n; i++) {
      rule.append(i == 0 ? "" : "+").append("-".repeat(widths[i] + 2));
    }
    out.println(rule);
    for (String[][] c : cells) {
      line(c, widths, right);
    }
    int count = r.rows().size();
    out.println("(" + count + (count == 1 ? " row)" : " rows)"));
    out.println();
  }

  /** One row of cells, as many lines as its tallest cell; headers ({@code right} null) centred. */
  private void line(String[][] cells, int[] widths, boolean[] right) {
    int height = 1;
    for (String[] c : cells) {
      height = Math.max(height, c.length);
    }
    for (int k = 0; k < height; k++) {
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < cells.length; i++) {
        String text = k < cells[i].length ? cells[i][k] : "";
        boolean more = k + 1 < cells[i].length;
        int pad = widths[i] - text.codePointCount(0, text.length());
        b.append(i == 0 ? " " : "| ");
        if (right == null) {
          int left = pad / 2;
          b.append(" ".repeat(left)).append(text).append(" ".repeat(pad - left));
        } else if (right[i]) {
          b.append(" ".repeat(pad)).append(text);
        } else {
          b.append(text).append(" ".repeat(pad));
        }
        b.append(more ? '+' : ' ');
      }
      out.println(stripEnd(b));
    }
  }

  private static String stripEnd(StringBuilder b) {
    int end = b.length();
    while (end > 0 && b.charAt(end - 1) == ' ') {
      end--;
    }
    return b.substring(0, end);
  }

  private static int width(String[] lines) {
    int w = 0;
    for (String l : lines) {
      w = Math.max(w, l.codePointCount(0, l.length()));
    }
    return w;
  }

  /** A value's lines, control characters escaped; SQL NULL prints as nothing, as in psql. */
  static String[] lines(String value) {
    if (value == null) {
      return new String[] {""};
    }
    return escape(value).split("\n", -1);
  }

  static String escape(String value) {
    StringBuilder b = null;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      boolean control = (c < 0x20 && c != '\n') || c == 0x7f || (c >= 0x80 && c < 0xa0);
      if (control && b == null) {
        b = new StringBuilder(value.length() + 8).append(value, 0, i);
      }
      if (b != null) {
        if (control) {
          b.append(String.format("\\x%02x", (int) c));
        } else {
          b.append(c);
        }
      }
    }
    return b == null ? value : b.toString();
  }
}
