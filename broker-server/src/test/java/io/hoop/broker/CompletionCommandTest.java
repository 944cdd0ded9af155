package io.hoop.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code hoop-broker completion SHELL} in real bash, zsh and fish. */
class CompletionCommandTest {
  @TempDir Path dir;

  private static String script(String shell) {
    CommandLine cl = BrokerMain.commandLine();
    StringWriter out = new StringWriter();
    cl.setOut(new PrintWriter(out));
    assertThat(cl.execute("completion", shell)).isZero();
    return out.toString();
  }

  private List<String> run(String... command) throws IOException, InterruptedException {
    ProcessBuilder pb =
        new ProcessBuilder(command).redirectErrorStream(true).directory(dir.toFile());
    Map<String, String> env = pb.environment();
    env.put("HOME", dir.toString());
    env.put("XDG_CONFIG_HOME", dir.resolve("config").toString());
    env.put("XDG_DATA_HOME", dir.resolve("data").toString());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return Stream.of(out.split("\n")).filter(l -> !l.isEmpty()).toList();
  }

  @Test
  void bashCompletesSubcommandsAndOptions() throws Exception {
    Files.writeString(dir.resolve("b.bash"), script("bash"));
    String call =
        "source b.bash; t() { COMP_WORDS=(\"$@\"); COMP_CWORD=$(($# - 1)); COMPREPLY=();"
            + " _hoop_broker_completion; printf '%s\\n' \"${COMPREPLY[@]}\"; };";
    assertThat(run("bash", "--norc", "--noprofile", "-c", call + " t hoop-broker c"))
        .containsExactly("check-config", "completion");
    assertThat(run("bash", "--norc", "--noprofile", "-c", call + " t hoop-broker serve --d"))
        .containsExactly("--dev", "--data-dir");
    assertThat(run("bash", "--norc", "--noprofile", "-c", call + " t hoop-broker completion ''"))
        .containsExactly("bash", "zsh", "fish");
    assertThat(script("bash")).doesNotContain("__complete");
  }

  @Test
  void zshAndFishLoadAndComplete() throws Exception {
    Files.writeString(dir.resolve("_hoop-broker"), script("zsh"));
    assertThat(
            run(
                "zsh",
                "-f",
                "-c",
                "autoload -Uz compinit && compinit -u -D; source ./_hoop-broker;"
                    + " emulate sh; setopt kshglob noshglob braceexpand;"
                    + " COMP_WORDS=(hoop-broker au); COMP_CWORD=1; _hoop_broker_completion;"
                    + " printf '%s\\n' \"${COMPREPLY[@]}\""))
        .containsExactly("audit");
    Files.writeString(dir.resolve("b.fish"), script("fish"));
    assertThat(run("fish", "--no-config", "-c", "source b.fish; complete -C 'hoop-broker check-c'"))
        .singleElement()
        .satisfies(l -> assertThat(l).startsWith("check-config\tValidate a config file"));
  }

  @Test
  void anUnknownShellIsAUsageError() {
    CommandLine cl = BrokerMain.commandLine();
    StringWriter err = new StringWriter();
    cl.setErr(new PrintWriter(err));
    assertThat(cl.execute("completion", "tcsh")).isEqualTo(2);
    assertThat(err.toString()).contains("unknown shell 'tcsh'; expected bash, zsh or fish");
  }
}
