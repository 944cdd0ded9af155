package io.hoop.completion;

import io.hoop.cli.CliEnvironment;
import io.hoop.cli.Hoop;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import picocli.AutoComplete;
import picocli.CommandLine;

/**
 * Generates shell completion for {@code hoop} from the CLI's own command model; packaging runs it
 * at build time: {@code java -cp ... io.hoop.completion.Completion bash > hoop.bash}.
 */
public final class Completion {
  private Completion() {}

  /** The bash completion script for the current command model. */
  public static String bash() {
    // The model only: no environment is read and no command runs.
    CommandLine hoop = Hoop.commandLine(CliEnvironment.of(Map.of()));
    return AutoComplete.bash("hoop", hoop);
  }

  public static void main(String[] args) {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    if (args.length != 1 || !args[0].equals("bash")) {
      System.err.println("usage: Completion bash    (prints the bash completion script for hoop)");
      System.exit(2);
    }
    out.print(bash());
    out.flush();
  }
}
