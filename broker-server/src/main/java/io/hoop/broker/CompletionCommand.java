package io.hoop.broker;

import io.hoop.completion.CompletionScripts;
import io.hoop.completion.Shell;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code hoop-broker completion SHELL}: the shell completion script of hoop-broker. */
@Command(
    name = "completion",
    mixinStandardHelpOptions = true,
    description = "Print the completion script for bash, zsh or fish.",
    footer = {
      "",
      "Install:",
      "  bash  source <(hoop-broker completion bash)",
      "        hoop-broker completion bash > ~/.local/share/bash-completion/completions/hoop-broker",
      "  zsh   hoop-broker completion zsh > ~/.zfunc/_hoop-broker   (fpath=(~/.zfunc $fpath) before compinit)",
      "  fish  hoop-broker completion fish > ~/.config/fish/completions/hoop-broker.fish",
      "",
      "Examples:",
      "  source <(hoop-broker completion bash)"
    })
final class CompletionCommand implements Callable<Integer> {
  @Spec CommandLine.Model.CommandSpec spec;

  @Parameters(
      paramLabel = "SHELL",
      completionCandidates = Shell.Names.class,
      description = "bash, zsh or fish.")
  String shell;

  @Override
  public Integer call() {
    Shell parsed = Shell.parse(shell);
    if (parsed == null) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "unknown shell '" + shell + "'; expected bash, zsh or fish");
    }
    PrintWriter out = spec.commandLine().getOut();
    out.print(
        CompletionScripts.script(parsed, "hoop-broker", spec.root().commandLine(), List.of()));
    out.flush();
    return 0;
  }
}
