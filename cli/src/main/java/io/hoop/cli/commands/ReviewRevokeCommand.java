package io.hoop.cli.commands;

import io.hoop.api.Entitlement;
import io.hoop.api.ReviewAction;
import io.hoop.cli.ExitCodes;
import io.hoop.cli.output.ReviewTable;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code hoop review revoke}: removes an entitlement and revokes its live grants. */
@Command(
    name = "revoke",
    description = {
      "Revoke an entitlement and its live grants.",
      "Later requests need an approval (or are denied, as the target's policy says);",
      "its live grants are revoked, closing their tunnels."
    },
    footer = {"%nExamples:", "  hoop review revoke e-7 --reason 'left the team'"})
public final class ReviewRevokeCommand implements Callable<Integer> {
  @ParentCommand ReviewCommand review;
  @Spec CommandSpec spec;
  @Mixin CommonOptions common;
  @Mixin OutputOptions output;

  @Parameters(index = "0", paramLabel = "ID", description = "Entitlement (see hoop review list).")
  String id;

  @Option(
      names = "--reason",
      required = true,
      paramLabel = "TEXT",
      description = "Why; kept in the audit log and shown to holders of its revoked grants.")
  String reason;

  @Override
  public Integer call() {
    ReviewerInput.requireText("--reason", reason);
    Entitlement e =
        review.session(common).client().review(id, "revoke", new ReviewAction(null, null, reason));
    if (output.json()) {
      output.print(spec.commandLine().getOut(), e);
    } else {
      spec.commandLine()
          .getOut()
          .println(
              "revoked: "
                  + e.id()
                  + " ("
                  + ReviewTable.subject(e)
                  + " on "
                  + e.target()
                  + "): "
                  + reason
                  + "; its live grants are revoked");
      spec.commandLine().getOut().flush();
    }
    return ExitCodes.OK;
  }
}
