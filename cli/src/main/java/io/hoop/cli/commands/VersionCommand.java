package io.hoop.cli.commands;

import io.hoop.cli.ExitCodes;
import io.hoop.cli.VersionInfo;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code hoop version}. */
@Command(
    name = "version",
    description = "Print the hoop version.",
    footer = {"%nExamples:", "  hoop version", "  hoop version -o json"})
public final class VersionCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin BasicOptions basic;
  @Mixin OutputOptions output;

  @Override
  public Integer call() {
    if (output.json()) {
      Map<String, Object> view = new LinkedHashMap<>();
      view.put("version", VersionInfo.version());
      view.put("java", System.getProperty("java.version"));
      view.put("javaVendor", System.getProperty("java.vendor"));
      output.print(spec.commandLine().getOut(), view);
      return ExitCodes.OK;
    }
    for (String line : new VersionInfo().getVersion()) {
      spec.commandLine().getOut().println(line);
    }
    spec.commandLine().getOut().flush();
    return ExitCodes.OK;
  }
}
