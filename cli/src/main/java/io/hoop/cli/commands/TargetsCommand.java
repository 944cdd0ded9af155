package io.hoop.cli.commands;

import io.hoop.api.TargetInfo;
import io.hoop.api.TargetList;
import io.hoop.cli.ExitCodes;
import io.hoop.cli.Hoop;
import io.hoop.cli.broker.BrokerSession;
import io.hoop.cli.output.Table;
import io.hoop.cli.time.DurationFormat;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code hoop targets}: the targets you may request access to. */
@Command(
    name = "targets",
    description = "List the targets you are entitled to request access to.",
    footer = {"%nExamples:", "  hoop targets", "  hoop targets -o json | jq -r '.targets[].name'"})
public final class TargetsCommand implements Callable<Integer> {
  @ParentCommand Hoop hoop;
  @Spec CommandSpec spec;
  @Mixin CommonOptions common;
  @Mixin OutputOptions output;

  @Override
  public Integer call() {
    BrokerSession session =
        BrokerSession.open(common.store(hoop.environment()), hoop.environment().clock());
    TargetList list = session.client().targets();
    if (output.json()) {
      output.print(spec.commandLine().getOut(), list);
      return ExitCodes.OK;
    }
    List<TargetInfo> targets = list.targets() == null ? List.of() : list.targets();
    print(spec.commandLine().getOut(), targets);
    if (targets.isEmpty()) {
      spec.commandLine().getErr().println("No targets: you have no entitlements on this broker.");
    }
    return ExitCodes.OK;
  }

  /** The targets as a table; ROLES lists the roles a grant may name (postgres engine targets). */
  static void print(PrintWriter out, List<TargetInfo> targets) {
    Table table = new Table("NAME", "TYPE", "MAX-DURATION", "ROLES", "DESCRIPTION");
    for (TargetInfo t : targets) {
      table.row(
          t.name(),
          t.type(),
          t.maxDurationSeconds() > 0
              ? DurationFormat.compact(Duration.ofSeconds(t.maxDurationSeconds()))
              : "-",
          t.roles() == null || t.roles().isEmpty() ? "-" : String.join(",", t.roles()),
          t.description());
    }
    table.print(out);
  }
}
