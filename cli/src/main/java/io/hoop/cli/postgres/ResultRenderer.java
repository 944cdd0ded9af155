package io.hoop.cli.postgres;

import java.io.PrintWriter;
import java.util.List;

/**
 * Prints statement results on stdout as they complete, in one of {@code hoop exec}'s formats.
 * Errors and notices are not the renderer's: they go to stderr from the command.
 */
public interface ResultRenderer {
  /** The output formats of {@code hoop exec} on a postgres target. */
  enum Format {
    table,
    json,
    csv
  }

  /** One statement ran (ok, failed or blocked). */
  void statement(StatementResult result);

  /** The script ended; {@code all} also holds the statements that did not run. */
  void finish(String target, String grant, List<StatementResult> all, int exitCode);

  static ResultRenderer of(Format format, PrintWriter out) {
    return switch (format) {
      case table -> new TableRenderer(out);
      case csv -> new CsvRenderer(out);
      case json -> new JsonRenderer(out);
    };
  }
}
