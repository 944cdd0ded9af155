package io.hoop.cli.commands;

import io.hoop.api.SessionList;
import io.hoop.cli.ExitCodes;
import io.hoop.cli.sessions.SessionTimeline;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code hoop sessions list}: sessions newest first. */
@Command(
    name = "list",
    description = "List recorded sessions you may see, newest first.",
    footer = {
      "%nExamples:",
      "  hoop sessions list",
      "  hoop sessions list --task JIRA-123 --target prod-db",
      "  hoop sessions list --user alice --limit 200 -o json | jq -r '.sessions[].id'",
      "%nExit codes: 0 ok, 1 error, 2 usage, 6 not logged in."
    })
public final class SessionsListCommand implements Callable<Integer> {
  @ParentCommand SessionsCommand sessions;
  @Spec CommandSpec spec;
  @Mixin CommonOptions common;
  @Mixin OutputOptions output;

  @Option(names = "--task", paramLabel = "ID", description = "Only sessions of this task.")
  String task;

  @Option(names = "--target", paramLabel = "NAME", description = "Only sessions to this target.")
  String target;

  @Option(names = "--user", paramLabel = "NAME", description = "Only sessions of this user.")
  String user;

  @Option(
      names = "--limit",
      paramLabel = "N",
      defaultValue = "50",
      description = "At most N sessions, 1-1000 (default: ${DEFAULT-VALUE}).")
  int limit;

  @Override
  public Integer call() {
    if (limit < 1 || limit > 1000) {
      throw new ParameterException(
          spec.commandLine(), "--limit " + limit + " is out of range; expected 1-1000");
    }
    SessionList list = sessions.api(common).list(task, target, user, limit);
    if (output.json()) {
      output.print(spec.commandLine().getOut(), list);
      return ExitCodes.OK;
    }
    SessionTimeline.printList(spec.commandLine().getOut(), list.sessions());
    if (list.sessions().isEmpty()) {
      spec.commandLine().getErr().println("No sessions.");
    }
    return ExitCodes.OK;
  }
}
