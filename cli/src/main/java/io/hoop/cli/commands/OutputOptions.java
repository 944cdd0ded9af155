package io.hoop.cli.commands;

import io.hoop.cli.output.JsonOutput;
import io.hoop.cli.output.OutputFormat;
import java.io.PrintWriter;
import picocli.CommandLine.Option;

/**
 * The {@code -o/--output} option of commands that print a result: {@code table} for people, {@code
 * json} or {@code yaml} (the same document) for programs.
 */
public final class OutputOptions {
  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      defaultValue = "table",
      description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  OutputFormat format;

  /** Whether a document for programs was asked for (json or yaml), not a table. */
  public boolean json() {
    return format == OutputFormat.json || format == OutputFormat.yaml;
  }

  /** Prints the document in the format asked for: pretty JSON, or YAML. */
  public void print(PrintWriter out, Object value) {
    if (format == OutputFormat.yaml) {
      JsonOutput.printYaml(out, value);
    } else {
      JsonOutput.print(out, value);
    }
  }
}
