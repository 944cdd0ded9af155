package io.hoop.cli.output;

import io.hoop.api.HeldOperation;
import io.hoop.api.HoldList;
import io.hoop.cli.time.DurationFormat;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Held operations as a table ({@code hoop requests --pending}): one line each, the operation last
 * and whole, escaped ({@link OperationText}), since a reviewer approves exactly that text.
 */
public final class HoldTable {
  private static final String[] HEADERS = {
    "ID", "TARGET", "TASK", "PRINCIPAL", "KIND", "AGE", "EXPIRES", "OPERATION"
  };
  private static final int MAX_CELL = 40;

  private HoldTable() {}

  /** The list's holds, never null. */
  public static List<HeldOperation> holds(HoldList list) {
    return list == null || list.holds() == null ? List.of() : list.holds();
  }

  public static void print(PrintWriter out, List<HeldOperation> holds, Instant now) {
    List<String[]> rows = new ArrayList<>();
    for (HeldOperation h : holds) {
      rows.add(
          new String[] {
            cell(h.id()),
            cell(h.target()),
            cell(h.task()),
            cell(h.principal()),
            cell(h.kind()),
            h.createdAt() == null
                ? "-"
                : DurationFormat.compact(Duration.between(h.createdAt(), now)),
            h.status() == null || !h.status().name().equals("PENDING")
                ? h.status() == null ? "-" : h.status().name().toLowerCase(Locale.ROOT)
                : DurationFormat.relative(h.expiresAt(), now),
            OperationText.escape(h.operation())
          });
    }
    int[] widths = new int[HEADERS.length];
    for (int i = 0; i < widths.length; i++) {
      widths[i] = HEADERS[i].length();
      for (String[] row : rows) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    line(out, HEADERS, widths);
    for (String[] row : rows) {
      line(out, row, widths);
    }
    out.flush();
  }

  /**
   * One held operation in full, for {@code hoop approve}/{@code deny}: who, where, and the
   * operation on its own line, escaped.
   */
  public static String describe(HeldOperation h) {
    return cell(h.kind())
        + " on "
        + cell(h.target())
        + " by "
        + cell(h.principal())
        + " (task "
        + cell(h.task())
        + ", rule "
        + OperationText.escape(h.rule())
        + ")"
        + System.lineSeparator()
        + "  "
        + OperationText.escape(h.operation());
  }

  private static void line(PrintWriter out, String[] cells, int[] widths) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < cells.length; i++) {
      boolean last = i == cells.length - 1;
      b.append(last ? cells[i] : String.format("%-" + widths[i] + "s  ", cells[i]));
    }
    out.println(b.toString().stripTrailing());
  }

  /** Short metadata cells: escaped, and cut when absurdly long (the operation never is). */
  private static String cell(String value) {
    String s = OperationText.escape(value);
    return s.length() > MAX_CELL ? s.substring(0, MAX_CELL - 3) + "..." : s;
  }
}
