package io.hoop.completion;

import static org.assertj.core.api.Assertions.assertThat;

import io.hoop.cli.CliEnvironment;
import io.hoop.cli.Hoop;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompletionTest {
  private static final String SCRIPT = Completion.bash();

  @Test
  void mentionsEverySubcommandOfTheModel() {
    Set<String> subcommands =
        Hoop.commandLine(CliEnvironment.of(Map.of())).getSubcommands().keySet();
    assertThat(subcommands)
        .contains("login", "logout", "whoami", "targets", "connect", "audit", "version", "demo");
    for (String name : subcommands) {
      assertThat(SCRIPT).as(name).containsPattern("\\b" + name + "\\b");
      // picocli emits one completion function per subcommand.
      assertThat(SCRIPT).as(name).contains("_picocli_hoop_" + name + "()");
    }
  }

  @Test
  void completesOptionsAndEnumValues() {
    assertThat(SCRIPT).contains("--task").contains("--duration").contains("--fingerprint");
    assertThat(SCRIPT).contains("table").contains("json");
    assertThat(SCRIPT).contains("complete -F _complete_hoop").contains("hoop");
  }

  @Test
  void isValidBashSyntax(@TempDir Path tmp) throws IOException, InterruptedException {
    Path file = tmp.resolve("hoop.bash");
    Files.writeString(file, SCRIPT, StandardCharsets.UTF_8);
    Process bash =
        new ProcessBuilder("bash", "-n", file.toString()).redirectErrorStream(true).start();
    String output = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(bash.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(bash.exitValue()).as(output).isZero();
  }
}
