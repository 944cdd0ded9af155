package io.hoop.cli.commands;

import io.hoop.api.AuditPage;
import io.hoop.cli.ExitCodes;
import io.hoop.cli.Hoop;
import io.hoop.cli.broker.BrokerSession;
import io.hoop.cli.output.AuditTable;
import io.hoop.cli.output.JsonOutput;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code hoop audit}: the broker's audit trail. */
@Command(
    name = "audit",
    description = "Show recent audit events: logins, grants, tunnels opened and closed.",
    footer = {
      "%nExamples:",
      "  hoop audit",
      "  hoop audit --limit 20",
      "  hoop audit -o json | jq '.events[] | select(.type == \"grant.denied\")'"
    })
public final class AuditCommand implements Callable<Integer> {
  static final int MAX_LIMIT = 1000;

  @ParentCommand Hoop hoop;
  @Spec CommandSpec spec;
  @Mixin CommonOptions common;
  @Mixin OutputOptions output;

  @Option(
      names = "--limit",
      paramLabel = "N",
      defaultValue = "50",
      description = "How many events to show, 1.." + MAX_LIMIT + " (default: ${DEFAULT-VALUE}).")
  int limit;

  @Override
  public Integer call() {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new ParameterException(
          spec.commandLine(), "--limit must be between 1 and " + MAX_LIMIT + ", got " + limit);
    }
    BrokerSession session =
        BrokerSession.open(common.store(hoop.environment()), hoop.environment().clock());
    AuditPage page = session.client().audit(limit);
    if (output.json()) {
      JsonOutput.print(spec.commandLine().getOut(), page);
    } else {
      AuditTable.print(spec.commandLine().getOut(), page);
    }
    return ExitCodes.OK;
  }
}
