package io.hoop.cli.commands;

import io.hoop.cli.CliEnvironment;
import io.hoop.cli.ExitCodes;
import io.hoop.cli.Hoop;
import io.hoop.cli.broker.BrokerSession;
import io.hoop.cli.sessions.SessionsApi;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code hoop sessions}: recorded tunnel sessions and their statements. */
@Command(
    name = "sessions",
    description = {
      "Recorded sessions: one per connection through a tunnel.",
      "PostgreSQL sessions record every statement with its timing, rows, masked fields",
      "and guardrail blocks; SSH sessions record the terminal (asciicast v2), commands",
      "and file transfers. You see your own sessions; reviewers of a target see its",
      "sessions; auditors see all."
    },
    subcommands = {
      SessionsListCommand.class,
      SessionsShowCommand.class,
      SessionsReplayCommand.class,
      SessionsExportCommand.class
    },
    footer = {
      "%nExamples:",
      "  hoop sessions list --task JIRA-123",
      "  hoop sessions show s-6f1c...",
      "  hoop sessions replay s-6f1c... --speed 10",
      "  hoop sessions export s-9a2e... -o cast > s.cast   (ssh; asciinema play)"
    })
public final class SessionsCommand implements Callable<Integer> {
  @ParentCommand Hoop hoop;
  @Spec CommandSpec spec;
  @Mixin CommonOptions common;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return ExitCodes.USAGE;
  }

  /** The API of the subcommand's profile, falling back to one given before the subcommand. */
  SessionsApi api(CommonOptions sub) {
    CliEnvironment env = hoop.environment();
    CommonOptions options = sub.profile == null ? common : sub;
    return new SessionsApi(BrokerSession.open(options.store(env), env.clock()));
  }
}
