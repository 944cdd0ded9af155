package io.hoop.cli.output;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A plain-text table with upper-case headers and columns padded to their widest cell. */
public final class Table {
  private static final int MAX_CELL = 60;

  private final List<String> headers;
  private final List<String[]> rows = new ArrayList<>();

  public Table(String... headers) {
    this.headers = List.of(headers);
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
    line(out, headers.toArray(String[]::new), widths);
    for (String[] row : rows) {
      line(out, row, widths);
    }
    out.flush();
  }

  private static void line(PrintWriter out, String[] cells, int[] widths) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < cells.length; i++) {
      boolean last = i == cells.length - 1;
      b.append(last ? cells[i] : String.format("%-" + widths[i] + "s  ", cells[i]));
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
