package io.hoop.cli.audit;

import io.hoop.api.AuditPage;
import io.hoop.cli.CliEnvironment;
import io.hoop.cli.ExitCodes;
import io.hoop.cli.broker.BrokerSession;
import io.hoop.cli.commands.AuditCommand;
import io.hoop.cli.commands.CommonOptions;
import io.hoop.cli.commands.OutputOptions;
import io.hoop.cli.config.ProfileStore;
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

/** {@code hoop audit list}: recent audit events as a table or JSON. */
@Command(
    name = "list",
    description = "Show recent audit events: logins, grants, tunnels opened and closed.",
    footer = {"%nExamples:", "  hoop audit list", "  hoop audit list --limit 20 -o json"})
public final class AuditListCommand implements Callable<Integer> {
  /** The broker's page size limit. */
  public static final int MAX_LIMIT = 1000;

  @ParentCommand AuditCommand parent;
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
    return list(spec, common.store(parent.environment()), parent.environment(), output, limit);
  }

  /** Shared by {@code hoop audit} and {@code hoop audit list}. */
  public static int list(
      CommandSpec spec,
      ProfileStore store,
      CliEnvironment environment,
      OutputOptions output,
      int limit) {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new ParameterException(
          spec.commandLine(), "--limit must be between 1 and " + MAX_LIMIT + ", got " + limit);
    }
    BrokerSession session = BrokerSession.open(store, environment.clock());
    AuditPage page = session.client().audit(limit);
    if (output.json()) {
      JsonOutput.print(spec.commandLine().getOut(), page);
    } else {
      AuditTable.print(spec.commandLine().getOut(), page);
    }
    return ExitCodes.OK;
  }
}
