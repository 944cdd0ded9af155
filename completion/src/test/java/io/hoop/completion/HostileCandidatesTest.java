package io.hoop.completion;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A program whose {@code __complete} prints hostile lines (command substitutions, separators,
 * spaces, globs, option-like words): the scripts of every shell offer only the safe one and run
 * nothing of what they read.
 */
class HostileCandidatesTest {
  @TempDir Path dir;

  @BeforeEach
  void program() throws IOException {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path tool = bin.resolve("tool");
    String pwned = dir.resolve("pwned").toString();
    Files.writeString(
        tool,
        "#!/bin/sh\ncat <<'EOF'\n"
            + String.join(
                "\n",
                "$(touch " + pwned + "1)",
                "`touch " + pwned + "2`",
                "a;touch " + pwned + "3",
                "x y",
                "*",
                "p*",
                "prod-ok",
                "-rf",
                "$HOME",
                "p'q",
                "p\"q",
                "p\\q",
                "p$(touch " + pwned + "4)",
                "p{a,b}")
            + "\nEOF\n");
    tool.toFile().setExecutable(true);
  }

  private String script(Shell shell) {
    return CompletionScripts.script(
        shell,
        "tool",
        new CommandLine(new CompletionScriptsTest.Tool()),
        CompletionScriptsTest.LIVE);
  }

  private List<String> run(String... command) throws IOException, InterruptedException {
    ProcessBuilder pb =
        new ProcessBuilder(command).redirectErrorStream(true).directory(dir.toFile());
    Map<String, String> env = pb.environment();
    env.put("PATH", dir.resolve("bin") + ":" + env.get("PATH"));
    env.put("HOME", dir.toString());
    env.put("XDG_CONFIG_HOME", dir.resolve("config").toString());
    env.put("XDG_DATA_HOME", dir.resolve("data").toString());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return Stream.of(out.split("\n")).filter(l -> !l.isEmpty()).toList();
  }

  private void assertNothingRan() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(f -> f.getFileName().toString())).noneMatch(n -> n.startsWith("pwned"));
    }
  }

  @Test
  void bashOffersOnlySafeWords() throws Exception {
    Files.writeString(dir.resolve("s.bash"), script(Shell.BASH));
    for (String cur : List.of("", "p")) {
      List<String> offered =
          run(
              "bash",
              "--norc",
              "--noprofile",
              "-c",
              "source s.bash; COMP_WORDS=(tool connect '"
                  + cur
                  + "'); COMP_CWORD=2; _tool_completion; printf '%s\\n' \"${COMPREPLY[@]}\"");
      assertThat(offered).as(cur).containsExactly("prod-ok");
    }
    assertNothingRan();
  }

  @Test
  void zshOffersOnlySafeWords() throws Exception {
    Files.writeString(dir.resolve("s.zsh"), script(Shell.ZSH));
    // As zsh's bashcompinit runs the function: in sh emulation, with kshglob.
    List<String> offered =
        run(
            "zsh",
            "-f",
            "-c",
            "autoload -Uz compinit && compinit -u -D; source ./s.zsh;"
                + " emulate sh; setopt kshglob noshglob braceexpand;"
                + " COMP_WORDS=(tool connect ''); COMP_CWORD=2; _tool_completion;"
                + " printf '%s\\n' \"${COMPREPLY[@]}\"");
    assertThat(offered).containsExactly("prod-ok");
    assertNothingRan();
  }

  @Test
  void fishOffersOnlySafeWords() throws Exception {
    Files.writeString(dir.resolve("s.fish"), script(Shell.FISH));
    List<String> offered =
        run("fish", "--no-config", "-c", "source s.fish; complete -C 'tool connect '");
    assertThat(offered).containsExactly("prod-ok");
    assertNothingRan();
  }
}
