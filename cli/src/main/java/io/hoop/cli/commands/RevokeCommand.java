package io.hoop.cli.commands;

import io.hoop.cli.Hoop;
import io.hoop.cli.HoopException;
import io.hoop.cli.output.GrantMessages;
import io.hoop.cli.output.OperationText;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code hoop revoke}: ends a live grant (or withdraws a pending request) at once. */
@Command(
    name = "revoke",
    description = {
      "Revoke a grant and close its tunnels.",
      "The broker closes its live tunnels within a second and the requester's",
      "hoop connect exits with code 5, showing your name and reason."
    },
    footer = {
      "%nExamples:",
      "  hoop revoke g-4f2k9x --reason 'incident over'",
      "  hoop requests --all        (to find the ID)"
    })
public final class RevokeCommand implements Callable<Integer> {
  @ParentCommand Hoop hoop;
  @Spec CommandSpec spec;
  @Mixin CommonOptions common;
  @Mixin OutputOptions output;

  @Parameters(index = "0", paramLabel = "ID", description = "Grant to revoke (see hoop requests).")
  String id;

  @Option(
      names = "--reason",
      required = true,
      paramLabel = "TEXT",
      description = "Why; shown to the grant's holder and kept in the audit log.")
  String reason;

  @Override
  public Integer call() {
    if (HoldDecisions.isHold(id)) {
      throw new HoopException.Usage(
          "a held operation is denied, not revoked: hoop deny "
              + OperationText.escape(id)
              + " --reason ...");
    }
    return GrantDecisions.decide(
        spec, hoop, common, output, id, "revoke", reason, GrantMessages::revoked);
  }
}
