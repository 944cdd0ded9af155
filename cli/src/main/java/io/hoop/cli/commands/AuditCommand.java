package io.hoop.cli.commands;

import io.hoop.cli.CliEnvironment;
import io.hoop.cli.Hoop;
import io.hoop.cli.audit.AuditExportCommand;
import io.hoop.cli.audit.AuditListCommand;
import io.hoop.cli.audit.AuditListOptions;
import io.hoop.cli.audit.AuditVerifyCommand;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code hoop audit}: the broker's audit trail; without a subcommand it lists recent events. */
@Command(
    name = "audit",
    description = {
      "The broker's audit trail.",
      "Recent events, a tamper-evident export, offline verification. Without a",
      "subcommand: the same as `hoop audit list`: your newest events, oldest first."
    },
    subcommands = {AuditListCommand.class, AuditExportCommand.class, AuditVerifyCommand.class},
    footer = {
      "%nExamples:",
      "  hoop audit",
      "  hoop audit --limit 20                 (the 20 newest, oldest first)",
      "  hoop audit --since 1h",
      "  hoop audit --since 2026-01-31T00:00:00Z --until 2026-02-01T00:00:00Z",
      "  hoop audit --follow                   (new events as they happen, to Ctrl-C)",
      "  hoop audit -f -o json                 (one JSON object per line)",
      "  hoop audit -o json | jq '.events[] | select(.type == \"grant.denied\")'",
      "  hoop audit export -o jsonl > audit.jsonl",
      "  hoop audit verify audit.jsonl",
      "%nExit codes: 0 done (or Ctrl-C while following), 1 broker error,",
      "2 bad option, 6 not logged in."
    })
public final class AuditCommand implements Callable<Integer> {
  @ParentCommand Hoop hoop;
  @Spec CommandSpec spec;
  @Mixin CommonOptions common;
  @Mixin OutputOptions output;

  @Mixin AuditListOptions options;

  /** The environment the subcommands read (profiles, clock, stdin). */
  public CliEnvironment environment() {
    return hoop.environment();
  }

  @Override
  public Integer call() throws InterruptedException {
    return AuditListCommand.list(spec, common.store(environment()), environment(), output, options);
  }
}
