package io.hoop.cli.output;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/** A plain-text table with upper-case headers and columns padded to their widest cell. */
public final class Table {
  private static final int MAX_CELL = 60;

  private final List<String> headers;
  private final List<String[]> rows = new ArrayList<>();
  private final Map<Integer, UnaryOperator<String>> styles = new HashMap<>();

  public Table(String... headers) {
    this.headers = List.of(headers);
  }

  /**
   * Styles a column's cells (not its header) when printed, e.g. status words in colour; widths are
   * measured on the plain text, so escape sequences never shift the columns.
   */
  public Table style(int column, UnaryOperator<String> style) {
    styles.put(column, style);
    return this;
  }

  public Table row(Object... cells) {
    if (cells.length != headers.size()) {
      throw new IllegalArgumentException(
          "row has " + cells.length + " cells, expected " + headers.size());
    }
    rows.add(Arrays.stream(cells).map(Table::cell).toArray(String[]::new));
    return this;
  }

  public void print(PrintWriter out) {
    int[] widths = new int[headers.size()];
    for (int i = 0; i < widths.length; i++) {
      widths[i] = headers.get(i).length();
      for (String[] row : rows) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    line(out, headers.toArray(String[]::new), widths, Map.of());
    for (String[] row : rows) {
      line(out, row, widths, styles);
    }
    out.flush();
  }

  private static void line(
      PrintWriter out, String[] cells, int[] widths, Map<Integer, UnaryOperator<String>> styles) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < cells.length; i++) {
      boolean last = i == cells.length - 1;
      String cell = cells[i];
      String shown = styles.getOrDefault(i, UnaryOperator.identity()).apply(cell);
      b.append(shown);
      if (!last) {
        b.append(" ".repeat(widths[i] - cell.length() + 2));
      }
    }
    out.println(b.toString().stripTrailing());
  }

  /** Cells are one line, without control characters, and not absurdly wide. */
  private static String cell(Object value) {
    if (value == null) {
      return "-";
    }
    String s = value.toString().replaceAll("\\p{Cntrl}", " ");
    return s.length() > MAX_CELL ? s.substring(0, MAX_CELL - 3) + "..." : s;
  }
}
