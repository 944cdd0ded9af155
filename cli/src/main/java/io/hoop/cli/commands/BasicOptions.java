package io.hoop.cli.commands;

import picocli.CommandLine.Option;

/** {@code --debug} and {@code --help} for commands that use no profile. */
public final class BasicOptions {
  @Option(names = "--debug", description = "Show stack traces of errors.", defaultValue = "false")
  boolean debug;

  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show this help and exit.")
  boolean help;
}
