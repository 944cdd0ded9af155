package io.hoop.cli.commands;

import io.hoop.api.GrantList;
import io.hoop.cli.ExitCodes;
import io.hoop.cli.Hoop;
import io.hoop.cli.broker.BrokerSession;
import io.hoop.cli.output.GrantTable;
import io.hoop.cli.output.JsonOutput;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code hoop requests}: access requests and grants, yours or those you may approve. */
@Command(
    name = "requests",
    description = {
      "List access requests and grants, newest first: your own (--mine, the default),",
      "those waiting for your approval (--pending), or all you may see (--all)."
    },
    footer = {
      "%nExamples:",
      "  hoop requests                 your requests and their status",
      "  hoop requests --pending       what you may approve (then: hoop approve ID)",
      "  hoop requests --all -o json | jq -r '.grants[] | select(.status == \"APPROVED\") | .id'"
    })
public final class RequestsCommand implements Callable<Integer> {
  @ParentCommand Hoop hoop;
  @Spec CommandSpec spec;
  @Mixin CommonOptions common;
  @Mixin OutputOptions output;

  @ArgGroup(exclusive = true)
  Scope scope;

  /** At most one of the scopes. */
  static final class Scope {
    @Option(names = "--mine", description = "Your own requests (default).")
    boolean mine;

    @Option(names = "--pending", description = "Requests waiting for your approval.")
    boolean pending;

    @Option(names = "--all", description = "Every request you are allowed to see.")
    boolean all;
  }

  @Override
  public Integer call() {
    String name = scope == null || scope.mine ? "mine" : scope.pending ? "pending" : "all";
    BrokerSession session =
        BrokerSession.open(common.store(hoop.environment()), hoop.environment().clock());
    GrantList list = session.client().grants(name);
    if (output.json()) {
      JsonOutput.print(spec.commandLine().getOut(), list);
      return ExitCodes.OK;
    }
    GrantTable.print(spec.commandLine().getOut(), list);
    if (GrantTable.grants(list).isEmpty()) {
      spec.commandLine()
          .getErr()
          .println(
              name.equals("pending")
                  ? "No requests are waiting for your approval."
                  : "No requests.");
    }
    return ExitCodes.OK;
  }
}
