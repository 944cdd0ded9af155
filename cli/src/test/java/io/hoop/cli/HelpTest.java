package io.hoop.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class HelpTest {
  @Test
  void everyCommandHasHelpWithExamples() {
    CommandLine root =
        Hoop.commandLine(
            CliEnvironment.of(Map.of()),
            new PrintWriter(new StringWriter()),
            new PrintWriter(new StringWriter()));
    assertThat(root.getSubcommands()).isNotEmpty();
    for (String name : root.getSubcommands().keySet()) {
      CliRunner.Result r = CliRunner.run(Map.of(), name, "--help");
      assertThat(r.exitCode()).as(name).isZero();
      assertThat(r.out()).as(name).contains("--help");
      if (name.equals("help")
          || root.getSubcommands().get(name).getCommandSpec().usageMessage().hidden()) {
        continue; // picocli's own `help [COMMAND]`, and what TAB runs: no examples to give
      }
      assertThat(r.out()).as(name).contains("Examples:");
      if (!List.of("version", "demo", "completion", "help", "__complete").contains(name)) {
        assertThat(r.out()).as(name).contains("--profile").contains("--debug");
      }
    }
  }

  /** Every command of the tree, nested ones included, by its full name ("review list"). */
  private static Map<String, CommandLine> everyCommand() {
    CommandLine root =
        Hoop.commandLine(
            CliEnvironment.of(Map.of()),
            new PrintWriter(new StringWriter()),
            new PrintWriter(new StringWriter()));
    Map<String, CommandLine> all = new java.util.LinkedHashMap<>();
    java.util.ArrayDeque<CommandLine> todo = new java.util.ArrayDeque<>(List.of(root));
    while (!todo.isEmpty()) {
      CommandLine c = todo.pop();
      all.putIfAbsent(c.getCommandSpec().qualifiedName(" "), c);
      todo.addAll(c.getSubcommands().values());
    }
    return all;
  }

  @Test
  void descriptionsAndExamplesAreWrittenToFitSoPicocliNeverBreaksThemMidLine() {
    // picocli wraps a line longer than the usage width (80) wherever it must: in the middle of a
    // command in an example, or leaving one word on a line of its own.
    List<String> tooLong = new java.util.ArrayList<>();
    everyCommand()
        .forEach(
            (name, c) -> {
              var usage = c.getCommandSpec().usageMessage();
              for (String[] lines : List.of(usage.description(), usage.footer(), usage.header())) {
                for (String line : lines) {
                  for (String part : line.split("%n", -1)) {
                    if (part.length() > usage.width()) {
                      tooLong.add(name + ": " + part.length() + ": " + part);
                    }
                  }
                }
              }
            });
    assertThat(tooLong).isEmpty();
  }

  @Test
  void theCommandListShowsEachCommandsWholeFirstSentenceOnOneLine() {
    List<String> problems = new java.util.ArrayList<>();
    everyCommand()
        .forEach(
            (name, c) -> {
              if (c.getSubcommands().isEmpty()) {
                return;
              }
              String help = c.getUsageMessage(CommandLine.Help.Ansi.OFF);
              // One line of the list: 80 columns less the indent, the names and the gap.
              int names =
                  c.getSubcommands().values().stream()
                      .filter(s -> !s.getCommandSpec().usageMessage().hidden())
                      .mapToInt(s -> s.getCommandName().length())
                      .max()
                      .orElse(0);
              for (CommandLine sub : c.getSubcommands().values()) {
                if (sub.getCommandSpec().usageMessage().hidden()) {
                  continue;
                }
                String summary = HelpLayout.summary(sub.getCommandSpec().usageMessage());
                String where = name + " " + sub.getCommandName() + ": " + summary;
                if (!summary.endsWith(".")) {
                  problems.add(where + " (not a sentence)");
                }
                if (summary.length() > 80 - names - 4) {
                  problems.add(where + " (longer than one line)");
                }
                if (!help.contains(sub.getCommandName() + " ".repeat(2) + summary.substring(0, 1))
                    && !help.replaceAll("\\s+", " ")
                        .contains(sub.getCommandName() + " " + summary)) {
                  problems.add(where + " (not in the list)");
                }
              }
            });
    assertThat(problems).isEmpty();
  }

  @Test
  void helpHasNoColoursOffATerminalOrWithNoColor() {
    CliRunner.Result plain = CliRunner.run(Map.of(), "--help");
    assertThat(plain.out()).doesNotContain("\033[");
    CliEnvironment tty =
        new CliEnvironment(
            Map.of("NO_COLOR", "1"),
            java.io.InputStream.nullInputStream(),
            true,
            true,
            true,
            java.time.Clock.systemUTC(),
            false);
    assertThat(tty.colour()).isFalse();
    assertThat(tty.with(Map.of("NO_COLOR", "")).colour()).isTrue();
    assertThat(tty.with(Map.of("NO_COLOR", "", "TERM", "dumb")).colour()).isFalse();
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    Hoop.run(
        tty.with(Map.of("NO_COLOR", "")),
        new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8),
        new java.io.PrintStream(new java.io.ByteArrayOutputStream()),
        "--help");
    assertThat(out.toString(java.nio.charset.StandardCharsets.UTF_8)).contains("\033[");
  }

  @Test
  void topLevelHelpDocumentsEveryExitCode() {
    CliRunner.Result r = CliRunner.run(Map.of(), "--help");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).contains("Examples:").contains("Exit codes:");
    for (int code = 0; code <= 6; code++) {
      assertThat(r.out()).containsPattern("(?m)^  " + code + "  \\S");
    }
  }

  @Test
  void anUnknownCommandWithHelpIsAUsageErrorNamingIt() {
    for (String[] args :
        List.of(
            new String[] {"frobnicate", "--help"},
            new String[] {"--help", "frobnicate"},
            new String[] {"sessions", "frob", "--help"},
            new String[] {"connect", "--help", "--bogus"})) {
      CliRunner.Result r = CliRunner.run(Map.of(), args);
      assertThat(r.exitCode()).as(String.join(" ", args)).isEqualTo(2);
      assertThat(r.err()).as(String.join(" ", args)).containsPattern("'(frobnicate|frob|--bogus)'");
      assertThat(r.out()).as(String.join(" ", args)).doesNotContain("Usage:");
    }
  }

  @Test
  void noSubcommandIsAUsageError() {
    CliRunner.Result r = CliRunner.run(Map.of());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("Usage: hoop");
  }

  @Test
  void versionPrintsTheBuildVersion() {
    CliRunner.Result r = CliRunner.run(Map.of(), "version");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).startsWith("hoop ").doesNotContain("${").doesNotContain("unknown");
  }
}
