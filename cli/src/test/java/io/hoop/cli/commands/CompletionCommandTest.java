package io.hoop.cli.commands;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoop.cli.CliEnvironment;
import io.hoop.cli.Hoop;
import io.hoop.completion.CompletionScripts;
import io.hoop.completion.Shell;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CompletionCommandTest {
  record Run(int code, String out, String err) {}

  private static Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Hoop.run(
            Map.of("HOOP_CONFIG_DIR", "/nonexistent/hoop-completion-test"),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            args);
    return new Run(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void printsTheScriptOfTheFullModelWhateverTheArgumentsBuild() {
    Run r = run("completion", "bash");
    assertThat(r.code()).isZero();
    // Lazy loading builds one subcommand for most runs; completion needs them all.
    assertThat(r.out())
        .isEqualTo(
            CompletionScripts.script(
                Shell.BASH,
                "hoop",
                Hoop.commandLine(CliEnvironment.of(Map.of())),
                CompletionCommand.LIVE));
    for (String sub : Hoop.commandLine(CliEnvironment.of(Map.of())).getSubcommands().keySet()) {
      if (!sub.startsWith("__")) {
        assertThat(r.out()).as(sub).contains("0:" + sub + ")");
      }
    }
    assertThat(r.out()).doesNotContain("0:__complete");
    assertThat(run("completion", "ZSH").out()).startsWith("#compdef hoop\n");
    assertThat(run("completion", "fish").out()).contains("complete -c hoop");
  }

  @Test
  void helpShowsInstallStepsForEachShellAndTheHiddenCommandIsNotListed() {
    Run help = run("completion", "--help");
    assertThat(help.code()).isZero();
    assertThat(help.out())
        .contains("source <(hoop completion bash)")
        .contains("~/.local/share/bash-completion/completions/hoop")
        .contains("fpath=(~/.zfunc $fpath)")
        .contains("~/.config/fish/completions/hoop.fish");
    assertThat(run("--help").out()).contains("completion").doesNotContain("__complete");
  }

  @Test
  void anUnknownShellIsAUsageError() {
    Run r = run("completion", "tcsh");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("unknown shell 'tcsh'; expected bash, zsh or fish");
    assertThat(r.out()).isEmpty();
  }
}
