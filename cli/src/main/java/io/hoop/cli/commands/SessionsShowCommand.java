package io.hoop.cli.commands;

import io.hoop.api.SessionDetail;
import io.hoop.cli.ExitCodes;
import io.hoop.cli.sessions.SessionTimeline;
import io.hoop.cli.sessions.SessionsApi;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code hoop sessions show ID}: one session with its statements. */
@Command(
    name = "show",
    description = {
      "Show a session and its steps.",
      "Each step's time, duration, result and blocks; for postgres sessions the rows",
      "and masked fields of each SQL statement, for ssh sessions the bytes each",
      "command, shell, transfer or forward sent back."
    },
    footer = {
      "%nExamples:",
      "  hoop sessions show s-6f1c...",
      "  hoop sessions show s-6f1c... -o json | jq '.statements[] | select(.blocked)'",
      "%nExit codes: 0 ok, 1 error (e.g. no such session you may see), 2 usage,",
      "6 not logged in."
    })
public final class SessionsShowCommand implements Callable<Integer> {
  @ParentCommand SessionsCommand sessions;
  @Spec CommandSpec spec;
  @Mixin CommonOptions common;
  @Mixin OutputOptions output;

  @Parameters(paramLabel = "ID", description = "Session id, from hoop sessions list.")
  String id;

  @Override
  public Integer call() {
    SessionsApi api = sessions.api(common);
    SessionDetail detail = api.show(id);
    if (output.json()) {
      output.print(spec.commandLine().getOut(), detail);
      return ExitCodes.OK;
    }
    SessionTimeline.printDetail(spec.commandLine().getOut(), detail, api.engineOf(detail));
    return ExitCodes.OK;
  }
}
