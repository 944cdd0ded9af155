package io.hoop.cli.commands;

import io.hoop.cli.CliEnvironment;
import io.hoop.cli.ExitCodes;
import io.hoop.cli.Hoop;
import io.hoop.cli.completion.LiveCandidates;
import io.hoop.cli.config.ConfigDirs;
import io.hoop.cli.config.ProfileStore;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
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

  /**
   * Answers {@code hoop [--profile NAME] __complete KIND [PREFIX]} from a fresh cache without
   * building any command model or reading the login (a TAB costs one JVM start, little more).
   *
   * @return whether it answered; when not, the command runs as usual
   */
  public static boolean answerFromCache(CliEnvironment env, String[] args, PrintWriter out) {
    int at = args.length > 0 && args[0].equals("__complete") ? 0 : 2;
    if (at == 2
        && (args.length < 3 || !args[0].equals("--profile") || !args[2].equals("__complete"))) {
      return false;
    }
    if (args.length < at + 2 || args.length > at + 3) {
      return false;
    }
    String prefix = args.length == at + 3 ? args[at + 2] : "";
    try {
      String name = ConfigDirs.profileName(at == 2 ? args[1] : null, env);
      ProfileStore store = new ProfileStore(ConfigDirs.profileDir(env, name), name, env);
      Optional<List<String>> cached =
          new LiveCandidates(env, store).cachedWithoutLogin(args[at + 1]);
      if (cached.isEmpty()) {
        return false;
      }
      print(cached.get(), prefix, out);
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static void print(List<String> candidates, String prefix, PrintWriter out) {
    for (String c : candidates) {
      if (c.startsWith(prefix)) {
        out.println(c);
      }
    }
    out.flush();
  }

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
