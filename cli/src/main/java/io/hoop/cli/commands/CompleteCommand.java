package io.hoop.cli.commands;

import io.hoop.cli.ExitCodes;
import io.hoop.cli.Hoop;
import io.hoop.cli.completion.LiveCandidates;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code hoop __complete KIND [PREFIX]}: what the completion scripts call for live candidates. Not
 * for people (hidden); prints matching candidates one a line and always exits 0, printing nothing
 * when it cannot answer.
 */
@Command(name = "__complete", hidden = true, description = "Live candidates for completion.")
public final class CompleteCommand implements Callable<Integer> {
  @ParentCommand Hoop hoop;
  @Spec CommandSpec spec;
  @Mixin CommonOptions common;

  @Parameters(arity = "0..*")
  List<String> words;

  // A word at the cursor may look like an option; it is a prefix, never an error.
  @Unmatched List<String> unmatched;

  @Override
  public Integer call() {
    if (words == null || words.isEmpty()) {
      return ExitCodes.OK;
    }
    String kind = words.get(0);
    String prefix = words.size() > 1 ? words.get(1) : "";
    PrintWriter out = spec.commandLine().getOut();
    try {
      for (String c :
          new LiveCandidates(hoop.environment(), common.store(hoop.environment()))
              .candidates(kind)) {
        if (c.startsWith(prefix)) {
          out.println(c);
        }
      }
    } catch (RuntimeException e) {
      // A TAB shows nothing rather than an error in the middle of the command line.
    }
    out.flush();
    return ExitCodes.OK;
  }
}
