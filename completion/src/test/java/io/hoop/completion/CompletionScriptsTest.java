package io.hoop.completion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

class CompletionScriptsTest {
  enum Format {
    table,
    json
  }

  @Command(
      name = "tool",
      subcommands = {Connect.class, Group.class, Secret.class})
  static final class Tool {
    @Option(names = "--profile")
    String profile;

    @Option(
        names = {"-h", "--help"},
        usageHelp = true,
        description = "Show it's \\help; then $(exit).")
    boolean help;
  }

  @Command(name = "connect", description = "Open a tunnel to a target. More text here.")
  static final class Connect {
    @Parameters(index = "0")
    String target;

    @Option(names = "--task")
    String task;

    @Option(names = {"-o", "--output"})
    Format format;

    @Option(names = "--key")
    Path key;

    @Option(names = "--secret-flag", hidden = true)
    boolean secret;
  }

  @Command(
      name = "group",
      subcommands = {Show.class})
  static final class Group {}

  @Command(name = "show", description = "Show one")
  static final class Show {
    @Parameters(index = "0")
    String id;
  }

  @Command(name = "secret", hidden = true)
  static final class Secret {}

  static final List<LiveSlot> LIVE =
      List.of(new LiveSlot("connect", "0", "targets"), new LiveSlot("group show", "0", "things"));

  private static String script(Shell shell) {
    return CompletionScripts.script(shell, "tool", new CommandLine(new Tool()), LIVE);
  }

  @Test
  void everyVisibleCommandAndOptionIsInEveryScriptAndHiddenOnesAreNot() {
    for (Shell shell : Shell.values()) {
      String s = script(shell);
      assertThat(s).as(shell.id()).contains("connect", "group", "show", "--task", "--output");
      assertThat(s).as(shell.id()).contains("table json");
      assertThat(s).as(shell.id()).doesNotContain("secret");
      assertThat(s).as(shell.id()).contains("__complete").contains("targets").contains("things");
    }
  }

  @Test
  void fishQuotesDescriptionsAndKeepsTheFirstSentence() {
    String fish = script(Shell.FISH);
    assertThat(fish).contains("-a connect -d 'Open a tunnel to a target'");
    assertThat(fish).contains("-d 'Show it\\'s \\\\help; then $(exit)'");
    assertThat(FishScript.description("a\nb'c")).isEqualTo(" -d 'a b\\'c'");
  }

  @Test
  void aLiveSlotThatNamesNoParameterIsRefused() {
    CommandLine model = new CommandLine(new Tool());
    List<LiveSlot> stale = List.of(new LiveSlot("connect", "--target", "targets"));
    assertThatThrownBy(() -> CompletionScripts.script(Shell.BASH, "tool", model, stale))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("names no parameter");
  }

  @Test
  void unsafeProgramNamesAndKindsAreRefused() {
    CommandLine model = new CommandLine(new Tool());
    assertThatThrownBy(() -> CompletionScripts.script(Shell.BASH, "to ol", model, List.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new LiveSlot("connect", "0", "$(x)"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void safeCandidatesExcludeEveryShellMetacharacter() {
    assertThat(Candidates.isSafe("prod-db")).isTrue();
    assertThat(Candidates.isSafe("g-4f2k9x")).isTrue();
    assertThat(Candidates.isSafe("s-6f1c0a2e-1b7d-4c1e-9f0a-0c1d2e3f4a5b")).isTrue();
    for (String hostile :
        List.of(
            "",
            "a b",
            "a'b",
            "a\"b",
            "a$(id)",
            "a`id`",
            "a;id",
            "a\nb",
            "a\tb",
            "a*",
            "a?",
            "a[b]",
            "-rf",
            ".hidden",
            "a|b",
            "a&b",
            "a>b",
            "a\\b",
            "a{b,c}",
            "~root",
            "a\u0000b",
            "é",
            "x".repeat(129))) {
      assertThat(Candidates.isSafe(hostile)).as(hostile).isFalse();
    }
  }

  @Test
  void scriptsParseInTheirShells(@TempDir Path dir) throws IOException, InterruptedException {
    check(dir, "bash", script(Shell.BASH), "bash", "-n");
    check(dir, "zsh", script(Shell.ZSH), "zsh", "-n");
    check(dir, "fish", script(Shell.FISH), "fish", "--no-execute");
  }

  private static void check(Path dir, String name, String script, String... shell)
      throws IOException, InterruptedException {
    Path file = dir.resolve(name);
    Files.writeString(file, script, StandardCharsets.UTF_8);
    List<String> cmd = new java.util.ArrayList<>(List.of(shell));
    cmd.add(file.toString());
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(name + ": " + output).isZero();
  }
}
