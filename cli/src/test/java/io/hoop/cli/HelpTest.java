package io.hoop.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
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
      if (name.equals("help")) {
        continue; // picocli's own `help [COMMAND]`: its usage is picocli's, without examples
      }
      assertThat(r.out()).as(name).contains("Examples:");
      if (!name.equals("version") && !name.equals("demo")) {
        assertThat(r.out()).as(name).contains("--profile").contains("--debug");
      }
    }
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
