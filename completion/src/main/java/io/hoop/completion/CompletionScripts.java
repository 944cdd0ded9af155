package io.hoop.completion;

import java.util.List;
import java.util.Objects;
import picocli.CommandLine;

/**
 * Shell completion scripts generated from a picocli command model, so completion never drifts from
 * the commands: {@code hoop completion SHELL} and {@code hoop-broker completion SHELL}.
 */
public final class CompletionScripts {
  private CompletionScripts() {}

  /**
   * The completion script of {@code program} for {@code shell}.
   *
   * @param root the full command model (every subcommand)
   * @param live parameters answered at TAB time by {@code program __complete KIND PREFIX}
   * @throws IllegalArgumentException when a live slot names no parameter of the model
   */
  public static String script(Shell shell, String program, CommandLine root, List<LiveSlot> live) {
    Objects.requireNonNull(shell, "shell");
    Objects.requireNonNull(root, "root");
    if (!Candidates.isSafe(program)) {
      throw new IllegalArgumentException(
          "program name '" + program + "' must be a safe word " + Candidates.SAFE);
    }
    CommandTree tree = CommandTree.of(root, live);
    return switch (shell) {
      case BASH -> new BashScript(program, tree).bash();
      case ZSH -> new BashScript(program, tree).zsh();
      case FISH -> new FishScript(program, tree).script();
    };
  }
}
