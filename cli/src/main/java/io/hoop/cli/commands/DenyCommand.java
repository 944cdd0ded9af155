package io.hoop.cli.commands;

import io.hoop.api.GrantAction;
import io.hoop.cli.Hoop;
import io.hoop.cli.output.GrantMessages;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code hoop deny}: a reviewer turns a pending request down. */
@Command(
    name = "deny",
    description = {
      "Deny a pending access request. The requester sees your name and reason,",
      "and a waiting hoop connect exits with code 3. An ID starting h- is an",
      "operation held for review: it does not run, and its session is told why."
    },
    footer = {
      "%nExamples:",
      "  hoop deny g-4f2k9x --reason 'use the read replica for this'",
      "  hoop deny h-7m3q9z2k4d1x --reason 'not during business hours'",
      "  hoop requests --pending    (to find the ID)"
    })
public final class DenyCommand implements Callable<Integer> {
  @ParentCommand Hoop hoop;
  @Spec CommandSpec spec;
  @Mixin CommonOptions common;
  @Mixin OutputOptions output;

  @Parameters(index = "0", paramLabel = "ID", description = "Request to deny (see hoop requests).")
  String id;

  @Option(
      names = "--reason",
      required = true,
      paramLabel = "TEXT",
      description = "Why; shown to the requester and kept in the audit log.")
  String reason;

  @Override
  public Integer call() {
    if (HoldDecisions.isHold(id)) {
      ReviewerInput.requireText("--reason", reason);
      return HoldDecisions.decide(
          spec, hoop, common, output, id, "deny", new GrantAction(null, reason));
    }
    return GrantDecisions.decide(
        spec, hoop, common, output, id, "deny", reason, GrantMessages::denied);
  }
}
