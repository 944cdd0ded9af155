package io.hoop.cli.commands;

import io.hoop.cli.output.OutputFormat;
import picocli.CommandLine.Option;

/** The {@code -o/--output} option of commands that print a result. */
public final class OutputOptions {
  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      defaultValue = "table",
      description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  OutputFormat format;

  public boolean json() {
    return format == OutputFormat.json;
  }
}
