package io.hoop.cli.postgres;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.hoop.cli.output.JsonOutput;
import java.io.PrintWriter;
import java.util.List;

/**
 * One JSON document once the script ended: {@code target}, {@code grant}, {@code exitCode} and
 * every statement of the script (see {@link StatementResult} for the fields), the ones that did not
 * run included; nothing on stdout before it, so stdout always parses.
 */
final class JsonRenderer implements ResultRenderer {
  /** The document; its field names are documented in the README. */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  record Document(String target, String grant, int exitCode, List<StatementResult> statements) {}

  private final PrintWriter out;

  JsonRenderer(PrintWriter out) {
    this.out = requireNonNull(out, "out");
  }

  @Override
  public void statement(StatementResult result) {
    // Printed whole at the end.
  }

  @Override
  public void finish(String target, String grant, List<StatementResult> all, int exitCode) {
    JsonOutput.print(out, new Document(target, grant, exitCode, all));
  }
}
