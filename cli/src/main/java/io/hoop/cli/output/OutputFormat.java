package io.hoop.cli.output;

/** How a command renders its result on stdout. */
public enum OutputFormat {
  table,
  json,
  /** The same document as {@code json}, in YAML, for readers used to {@code kubectl -o yaml}. */
  yaml
}
