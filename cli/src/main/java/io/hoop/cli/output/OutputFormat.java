package io.hoop.cli.output;

/** How a command renders its result on stdout. */
public enum OutputFormat {
  table,
  json
}
