package io.hoop.cli.commands;

import io.hoop.cli.ExitCodes;
import io.hoop.cli.VersionInfo;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code hoop version}. */
@Command(
    name = "version",
    description = "Print the hoop version.",
    footer = {"%nExamples:", "  hoop version"})
public final class VersionCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin BasicOptions basic;

  @Override
  public Integer call() {
    for (String line : new VersionInfo().getVersion()) {
      spec.commandLine().getOut().println(line);
    }
    spec.commandLine().getOut().flush();
    return ExitCodes.OK;
  }
}
