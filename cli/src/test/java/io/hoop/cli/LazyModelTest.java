package io.hoop.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@link Hoop#run} builds only the subcommand its arguments name (see {@link Hoop#forArgs}): the
 * outcome must be exactly the full model's, whatever the arguments.
 */
class LazyModelTest {
  private static final CliEnvironment ENV = CliEnvironment.of(Map.of());

  @TempDir Path home;

  /** The subcommands the command line for these arguments holds, by name. */
  private static Set<String> built(String... args) {
    CommandLine cl =
        Hoop.forArgs(
            ENV, new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()), args);
    return new TreeSet<>(cl.getSubcommands().keySet());
  }

  @Test
  void theNameTableMatchesTheAnnotations() {
    Hoop.SUBCOMMANDS.forEach(
        (name, type) ->
            assertThat(type.getAnnotation(CommandLine.Command.class).name()).isEqualTo(name));
  }

  @Test
  void buildsOnlyTheNamedSubcommand() {
    assertThat(built("targets")).containsExactly("targets");
    assertThat(built("--profile", "work", "targets", "-o", "json")).containsExactly("targets");
    assertThat(built("review", "list", "--due")).containsExactly("review");
    // The first argument that names a subcommand, not the first subcommand in the table.
    assertThat(built("connect", "login", "--task", "T-1")).containsExactly("connect");
    assertThat(built("--version")).isEmpty();
    assertThat(built("-V")).isEmpty();
  }

  @Test
  void buildsEverythingWhenTheOutcomeCouldDependOnTheOtherSubcommands() {
    Set<String> all = new TreeSet<>(Hoop.SUBCOMMANDS.keySet());
    assertThat(built()).isEqualTo(all); // usage
    assertThat(built("--help")).isEqualTo(all);
    assertThat(built("--version", "--help")).isEqualTo(all);
    assertThat(built("target")).isEqualTo(all); // "did you mean" needs every name
    assertThat(built("--bogus", "targets")).isEqualTo(all);
    // --profile's value names a subcommand: whatever picocli makes of it, the full model decides.
    assertThat(built("--profile", "targets", "login")).isEqualTo(all);
    assertThat(built("--", "targets")).isEqualTo(all);
  }

  @Test
  void helpPrintsTheNamedSubcommandsUsage() {
    CliRunner.Result help = CliRunner.run(Map.of(), "help", "connect");
    CliRunner.Result usage = CliRunner.run(Map.of(), "connect", "--help");
    assertThat(help.exitCode()).isZero();
    assertThat(help.out()).startsWith("Usage: hoop connect").isEqualTo(usage.out());
    CliRunner.Result unknown = CliRunner.run(Map.of(), "help", "bogus");
    assertThat(unknown.exitCode()).isNotZero();
    assertThat(unknown.err()).contains("bogus");
  }

  @Test
  void everyOutcomeIsTheFullModels() throws IOException {
    Path config = Files.createDirectories(home.resolve("config"));
    Map<String, String> env = Map.of("HOOP_CONFIG_DIR", config.toString(), "HOME", home.toString());
    List<List<String>> cases =
        List.of(
            List.of(),
            List.of("--version"),
            List.of("-V"),
            List.of("--help"),
            List.of("-h"),
            List.of("--version", "--help"),
            List.of("version"),
            List.of("targets", "--help"),
            List.of("targets", "--bogus"),
            List.of("targets"),
            List.of("whoami"),
            List.of("--profile", "nope", "whoami"),
            List.of("--profile"),
            List.of("--profile", "targets", "login"),
            List.of("target"),
            List.of("bogus", "--help"),
            List.of("connect"),
            List.of("connect", "login"),
            List.of("exec", "--help"),
            List.of("review"),
            List.of("review", "lst"),
            List.of("sessions", "--help"),
            List.of("audit", "verify", "--help"),
            List.of("--", "targets"),
            List.of("targets", "extra", "args"),
            List.of("help"),
            List.of("help", "connect"),
            List.of("help", "review", "list"),
            List.of("help", "bogus"));
    for (List<String> args : cases) {
      String[] argv = args.toArray(String[]::new);
      CliRunner.Result lazy = CliRunner.run(env, argv);
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      int code =
          Hoop.commandLine(CliEnvironment.of(env), new PrintWriter(out), new PrintWriter(err))
              .execute(argv);
      assertThat(lazy.exitCode()).as("exit code of %s", args).isEqualTo(code);
      assertThat(lazy.out()).as("stdout of %s", args).isEqualTo(out.toString());
      assertThat(lazy.err()).as("stderr of %s", args).isEqualTo(err.toString());
    }
  }
}
