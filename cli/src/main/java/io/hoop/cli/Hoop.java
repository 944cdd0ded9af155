package io.hoop.cli;

import io.hoop.cli.commands.ApproveCommand;
import io.hoop.cli.commands.AuditCommand;
import io.hoop.cli.commands.ConnectCommand;
import io.hoop.cli.commands.DemoCommand;
import io.hoop.cli.commands.DenyCommand;
import io.hoop.cli.commands.LoginCommand;
import io.hoop.cli.commands.LogoutCommand;
import io.hoop.cli.commands.RequestsCommand;
import io.hoop.cli.commands.ReviewCommand;
import io.hoop.cli.commands.RevokeCommand;
import io.hoop.cli.commands.TargetsCommand;
import io.hoop.cli.commands.VersionCommand;
import io.hoop.cli.commands.WhoamiCommand;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/** The {@code hoop} command: just-in-time, task-bound access to targets through a broker. */
@Command(
    name = "hoop",
    mixinStandardHelpOptions = true,
    versionProvider = VersionInfo.class,
    description = "Just-in-time, task-bound access to databases and servers through a hoop broker.",
    footer = {
      "%nExamples:",
      "  hoop demo --once                      try everything on this machine",
      "  hoop login --broker https://broker.example:8443",
      "  hoop targets",
      "  hoop connect prod-db --task JIRA-123 --duration 30m",
      "  hoop connect prod-db --task JIRA-123 -- psql -c 'select 1'",
      "  hoop connect web-1 --task OPS-7 -- ssh web-1 uptime",
      "  hoop exec web-1 --task OPS-7 -- uptime    one command, exits with its status",
      "  hoop requests --pending               requests waiting for your approval",
      "  hoop approve g-4f2k9x --comment 'ok for the incident'",
      "  hoop review list --due                access reviews to renew",
      ExitCodes.HELP_SECTION,
      "Environment:",
      "  HOOP_CONFIG_DIR  config directory (else $XDG_CONFIG_HOME/hoop, ~/.config/hoop)",
      "  HOOP_PROFILE     profile to use when --profile is not given",
      "  HOOP_TOKEN       admin-minted broker token (no login; with HOOP_BROKER and",
      "                   HOOP_BROKER_FINGERPRINT or HOOP_CA_CERT)",
      "  HOOP_BROKER_REPLICAS  host:port,... of other broker replicas, tried in turn",
      "                   when the broker cannot be connected to"
    })
public final class Hoop implements Callable<Integer> {
  /**
   * The subcommands by name, in the order help lists them. Not in the {@code @Command} annotation:
   * picocli would build the model of every one of them (reflection over each option and mixin: most
   * of a cold start), and a run needs one; {@link #run} builds only the one its arguments name. The
   * names are spelled here too (a test checks them against the annotations) so finding that one
   * parses no annotation.
   */
  static final Map<String, Class<?>> SUBCOMMANDS = subcommands();

  private static Map<String, Class<?>> subcommands() {
    Map<String, Class<?>> byName = new LinkedHashMap<>();
    byName.put("login", LoginCommand.class);
    byName.put("logout", LogoutCommand.class);
    byName.put("whoami", WhoamiCommand.class);
    byName.put("targets", TargetsCommand.class);
    byName.put("connect", ConnectCommand.class);
    byName.put("exec", io.hoop.cli.commands.ExecCommand.class);
    byName.put("requests", RequestsCommand.class);
    byName.put("approve", ApproveCommand.class);
    byName.put("deny", DenyCommand.class);
    byName.put("revoke", RevokeCommand.class);
    byName.put("review", ReviewCommand.class);
    byName.put("sessions", io.hoop.cli.commands.SessionsCommand.class);
    byName.put("audit", AuditCommand.class);
    byName.put("version", VersionCommand.class);
    byName.put("demo", DemoCommand.class);
    byName.put("completion", io.hoop.cli.commands.CompletionCommand.class);
    byName.put("__complete", io.hoop.cli.commands.CompleteCommand.class);
    // `hoop help CMD`: picocli's, which reads the whole tree (forArgs builds it for it).
    byName.put("help", CommandLine.HelpCommand.class);
    return Collections.unmodifiableMap(byName);
  }

  /**
   * Marks a subcommand that reads the whole command tree (completion, man pages, a help command):
   * it always runs with the full model, whatever its arguments.
   */
  public interface NeedsCommandTree {}

  private final CliEnvironment environment;

  @Spec CommandSpec spec;

  @CommandLine.Option(
      names = "--profile",
      paramLabel = "NAME",
      description = "Profile for the subcommand (default: $HOOP_PROFILE, else 'default').")
  String profile;

  public Hoop(CliEnvironment environment) {
    this.environment = Objects.requireNonNull(environment, "environment");
  }

  /** The {@code --profile} given before the subcommand, or null. */
  public String profile() {
    return profile;
  }

  /** The process (or test) environment the commands read. */
  public CliEnvironment environment() {
    return environment;
  }

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return ExitCodes.USAGE;
  }

  /**
   * The full command model with every subcommand, for generators (completion, man pages) and tests;
   * nothing runs and nothing is printed.
   */
  public static CommandLine commandLine(CliEnvironment environment) {
    return commandLine(
        environment,
        new PrintWriter(System.out, true, StandardCharsets.UTF_8),
        new PrintWriter(System.err, true, StandardCharsets.UTF_8));
  }

  /** A fully configured command line: every subcommand, error handlers, exit codes, writers. */
  public static CommandLine commandLine(
      CliEnvironment environment, PrintWriter out, PrintWriter err) {
    CommandLine cl = new CommandLine(new Hoop(environment));
    SUBCOMMANDS.forEach(cl::addSubcommand);
    return configure(cl, environment, out, err);
  }

  /**
   * The command line to run these arguments with: only the subcommand named by the first argument
   * that names one, when parsing with it gives the outcome the full model would; else the full
   * model, so usage, errors and suggestions always see every subcommand.
   *
   * <p>Why the outcomes agree: no argument before the named one is a subcommand name, so the top
   * level parses them alike; if the parse enters the named subcommand, everything after it is that
   * subcommand's, built for real. Any other outcome (a parse error, another subcommand, no
   * subcommand and not {@code --version} alone, a command reading the whole tree) falls back.
   */
  static CommandLine forArgs(
      CliEnvironment environment, PrintWriter out, PrintWriter err, String... args) {
    String named = null;
    for (String arg : args) {
      if (SUBCOMMANDS.containsKey(arg)) {
        named = arg;
        break;
      }
    }
    CommandLine cl = new CommandLine(new Hoop(environment));
    if (named != null) {
      cl.addSubcommand(named, SUBCOMMANDS.get(named));
    }
    configure(cl, environment, out, err);
    ParseResult parsed;
    try {
      parsed = cl.parseArgs(args);
    } catch (ParameterException e) {
      return commandLine(environment, out, err);
    }
    ParseResult sub = parsed.subcommand();
    boolean sufficient =
        sub == null
            ? parsed.isVersionHelpRequested() && !parsed.isUsageHelpRequested()
            : !(sub.commandSpec().userObject() instanceof NeedsCommandTree)
                && !(sub.commandSpec().userObject()
                    instanceof CommandLine.IHelpCommandInitializable2);
    return sufficient ? cl : commandLine(environment, out, err);
  }

  private static CommandLine configure(
      CommandLine cl, CliEnvironment environment, PrintWriter out, PrintWriter err) {
    HelpLayout.apply(cl, environment);
    cl.setExecutionStrategy(Hoop::refuseUnmatchedThenRun);
    cl.setOut(out);
    cl.setErr(err);
    cl.setExitCodeExceptionMapper(new ExitCodes());
    cl.setExecutionExceptionHandler(new ErrorHandlers.Execution());
    cl.setParameterExceptionHandler(new ErrorHandlers.Parameters());
    return cl;
  }

  /**
   * picocli lets {@code --help} win over an argument it cannot match ({@code hoop frobnicate
   * --help} would print the top-level help and exit 0): a word that names no command is a usage
   * error naming it, help or not.
   */
  private static int refuseUnmatchedThenRun(ParseResult parsed) {
    for (ParseResult p = parsed; p != null; p = p.subcommand()) {
      // A command that takes unmatched words on purpose (@Unmatched, as __complete) keeps them.
      boolean wanted =
          p.commandSpec().parser().unmatchedArgumentsAllowed()
              || !p.commandSpec().unmatchedArgsBindings().isEmpty();
      if (!p.unmatched().isEmpty() && !wanted) {
        throw new CommandLine.UnmatchedArgumentException(
            p.commandSpec().commandLine(), p.unmatched());
      }
    }
    return new CommandLine.RunLast().execute(parsed);
  }

  /**
   * Runs hoop in-process and returns its exit code, as the {@code hoop} binary would exit.
   *
   * @param env the environment variables the command sees (HOOP_CONFIG_DIR, HOOP_PROFILE, HOME,
   *     PATH, ...)
   */
  public static int run(Map<String, String> env, PrintStream out, PrintStream err, String... args) {
    return run(CliEnvironment.of(env), out, err, args);
  }

  /** Runs hoop with a complete environment (interactive flags, clock, stdin). */
  public static int run(
      CliEnvironment environment, PrintStream out, PrintStream err, String... args) {
    PrintWriter outWriter = new PrintWriter(out, true, StandardCharsets.UTF_8);
    PrintWriter errWriter = new PrintWriter(err, true, StandardCharsets.UTF_8);
    try {
      if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
        // What picocli would print, without building any model: annotation proxies and
        // converters are most of what is left of a cold start (bench/cli-start).
        for (String line : new VersionInfo().getVersion()) {
          outWriter.println(line);
        }
        return ExitCodes.OK;
      }
      if (io.hoop.cli.commands.CompleteCommand.answerFromCache(environment, args, outWriter)) {
        // A TAB answered from the completion cache: no model to build.
        return ExitCodes.OK;
      }
      return forArgs(environment, outWriter, errWriter, args).execute(args);
    } finally {
      outWriter.flush();
      errWriter.flush();
    }
  }

  public static void main(String[] args) {
    System.exit(run(CliEnvironment.ofProcess(), System.out, System.err, args));
  }
}
