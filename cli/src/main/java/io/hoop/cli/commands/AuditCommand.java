package io.hoop.cli.commands;

import io.hoop.cli.CliEnvironment;
import io.hoop.cli.Hoop;
import io.hoop.cli.audit.AuditExportCommand;
import io.hoop.cli.audit.AuditListCommand;
import io.hoop.cli.audit.AuditVerifyCommand;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code hoop audit}: the broker's audit trail; without a subcommand it lists recent events. */
@Command(
    name = "audit",
    description = {
      "The broker's audit trail: recent events, a tamper-evident export, offline verification.",
      "Without a subcommand: the same as `hoop audit list`."
    },
    subcommands = {AuditListCommand.class, AuditExportCommand.class, AuditVerifyCommand.class},
    footer = {
      "%nExamples:",
      "  hoop audit",
      "  hoop audit --limit 20",
      "  hoop audit -o json | jq '.events[] | select(.type == \"grant.denied\")'",
      "  hoop audit export -o jsonl > audit.jsonl",
      "  hoop audit verify audit.jsonl"
    })
public final class AuditCommand implements Callable<Integer> {
  @ParentCommand Hoop hoop;
  @Spec CommandSpec spec;
  @Mixin CommonOptions common;
  @Mixin OutputOptions output;

  @Option(
      names = "--limit",
      paramLabel = "N",
      defaultValue = "50",
      description =
          "How many events to show, 1.."
              + AuditListCommand.MAX_LIMIT
              + " (default: ${DEFAULT-VALUE}).")
  int limit;

  /** The environment the subcommands read (profiles, clock, stdin). */
  public CliEnvironment environment() {
    return hoop.environment();
  }

  @Override
  public Integer call() {
    return AuditListCommand.list(spec, common.store(environment()), environment(), output, limit);
  }
}
