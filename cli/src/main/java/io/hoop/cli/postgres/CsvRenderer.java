package io.hoop.cli.postgres;

import static java.util.Objects.requireNonNull;

import java.io.PrintWriter;
import java.util.List;

/**
 * RFC 4180 CSV: each result's header line then its rows, CRLF line ends; a field holding a comma, a
 * double quote, CR or LF is quoted with its quotes doubled. SQL NULL is an empty field and the
 * empty string a quoted {@code ""}, as in psql's {@code --csv}. Statements without rows print
 * nothing (their tags are in {@code -o json}); COPY data prints as sent.
 */
final class CsvRenderer implements ResultRenderer {
  private static final String CRLF = "\r\n";

  private final PrintWriter out;

  CsvRenderer(PrintWriter out) {
    this.out = requireNonNull(out, "out");
  }

  @Override
  public void statement(StatementResult r) {
    if (r.copy() != null) {
      out.print(r.copy());
    } else if (r.columns() != null && r.error() == null) {
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < r.columns().size(); i++) {
        b.append(i == 0 ? "" : ",").append(field(r.columns().get(i).name()));
      }
      out.print(b.append(CRLF));
      for (List<String> row : r.rows()) {
        b.setLength(0);
        for (int i = 0; i < row.size(); i++) {
          b.append(i == 0 ? "" : ",").append(field(row.get(i)));
        }
        out.print(b.append(CRLF));
      }
    }
    out.flush();
  }

  @Override
  public void finish(String target, String grant, List<StatementResult> all, int exitCode) {
    out.flush();
  }

  static String field(String value) {
    if (value == null) {
      return "";
    }
    if (value.isEmpty()) {
      return "\"\"";
    }
    boolean quote = false;
    for (int i = 0; i < value.length() && !quote; i++) {
      char c = value.charAt(i);
      quote = c == ',' || c == '"' || c == '\r' || c == '\n';
    }
    return quote ? "\"" + value.replace("\"", "\"\"") + "\"" : value;
  }
}
