package io.hoop.cli.commands;

import io.hoop.cli.ExitCodes;
import io.hoop.cli.Hoop;
import io.hoop.completion.CompletionScripts;
import io.hoop.completion.LiveSlot;
import io.hoop.completion.Shell;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code hoop completion SHELL}: the shell completion script, generated from the command model. */
@Command(
    name = "completion",
    description = {
      "Print the completion script for bash, zsh or fish.",
      "It completes commands, options and their values, and target names, request,",
      "grant and session ids from the broker (cached for 45 s; a TAB waits at most a",
      "second for the broker, and never logs in)."
    },
    footer = {
      "%nInstall:",
      "  bash  source <(hoop completion bash)   this shell (or add it to ~/.bashrc)",
      "        hoop completion bash > ~/.local/share/bash-completion/completions/hoop",
      "                                         every shell (needs bash-completion)",
      "  zsh   hoop completion zsh > ~/.zfunc/_hoop   and in ~/.zshrc before compinit:",
      "        fpath=(~/.zfunc $fpath)",
      "        source <(hoop completion zsh)          this shell, after compinit",
      "  fish  hoop completion fish > ~/.config/fish/completions/hoop.fish",
      "        hoop completion fish | source          this shell",
      "%nExamples:",
      "  hoop completion bash",
      "  hoop connect <TAB>                            target names you may request"
    })
public final class CompletionCommand implements Callable<Integer>, Hoop.NeedsCommandTree {
  /** The parameters answered at TAB time by {@code hoop __complete KIND PREFIX}. */
  static final List<LiveSlot> LIVE =
      List.of(
          new LiveSlot("connect", "0", "targets"),
          new LiveSlot("exec", "0", "targets"),
          new LiveSlot("*", "--target", "targets"),
          new LiveSlot("approve", "0", "pending"),
          new LiveSlot("deny", "0", "pending"),
          new LiveSlot("revoke", "0", "grants"),
          new LiveSlot("sessions show", "0", "sessions"),
          new LiveSlot("sessions replay", "0", "sessions"),
          new LiveSlot("sessions export", "0", "sessions"));

  @Spec CommandSpec spec;
  @Mixin BasicOptions basic;

  @Parameters(
      index = "0",
      paramLabel = "SHELL",
      completionCandidates = Shell.Names.class,
      description = "bash, zsh or fish.")
  String shell;

  @Override
  public Integer call() {
    Shell parsed = Shell.parse(shell);
    if (parsed == null) {
      throw new ParameterException(
          spec.commandLine(), "unknown shell '" + shell + "'; expected bash, zsh or fish");
    }
    PrintWriter out = spec.commandLine().getOut();
    out.print(CompletionScripts.script(parsed, "hoop", spec.root().commandLine(), LIVE));
    out.flush();
    return ExitCodes.OK;
  }
}
