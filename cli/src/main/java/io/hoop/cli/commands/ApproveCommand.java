package io.hoop.cli.commands;

import io.hoop.api.Grant;
import io.hoop.api.GrantAction;
import io.hoop.cli.CliEnvironment;
import io.hoop.cli.ExitCodes;
import io.hoop.cli.Hoop;
import io.hoop.cli.HoopException;
import io.hoop.cli.broker.BrokerSession;
import io.hoop.cli.output.Colours;
import io.hoop.cli.output.GrantMessages;
import io.hoop.cli.output.GrantTable;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code hoop approve}: a reviewer approves a pending request, picked by id or from a list. */
@Command(
    name = "approve",
    description = {
      "Approve a pending access request. Approvals come from members of the target's",
      "reviewer groups, never the requester; distinct people count toward the quorum.",
      "Without ID in a terminal, pick from the requests waiting for your approval.",
      "An ID starting h- is an operation held for review (see hoop requests --pending):",
      "one approval by a reviewer of its target, never its requester, runs it once."
    },
    footer = {
      "%nExamples:",
      "  hoop approve g-4f2k9x",
      "  hoop approve g-4f2k9x --comment 'checked with the on-call lead'",
      "  hoop approve h-7m3q9z2k4d1x   (a held operation: it runs once)",
      "  hoop approve                  (pick from hoop requests --pending)"
    })
public final class ApproveCommand implements Callable<Integer> {
  @ParentCommand Hoop hoop;
  @Spec CommandSpec spec;
  @Mixin CommonOptions common;
  @Mixin OutputOptions output;

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "ID",
      description = "Request to approve (default: pick one from the pending list).")
  String id;

  @Option(
      names = "--comment",
      paramLabel = "TEXT",
      description = "Note kept with your approval and shown to the requester.")
  String comment;

  @Override
  public Integer call() {
    if (comment != null) {
      ReviewerInput.requireText("--comment", comment);
    }
    CliEnvironment env = hoop.environment();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (HoldDecisions.isHold(id)) {
      return HoldDecisions.decide(
          spec, hoop, common, output, id, "approve", new GrantAction(comment, null));
    }
    BrokerSession session = BrokerSession.open(common.store(env), env.clock());
    String chosen = id;
    if (chosen == null) {
      List<Grant> pending = GrantTable.grants(session.client().grants("pending"));
      if (!env.interactive()) {
        throw new HoopException.Usage(
            "missing request ID (no terminal to pick from); "
                + (pending.isEmpty()
                    ? "no requests are waiting for your approval"
                    : "waiting for your approval: "
                        + pending.stream().map(Grant::id).collect(Collectors.joining(", "))
                        + "; run hoop approve ID"));
      }
      if (pending.isEmpty()) {
        err.println("No requests are waiting for your approval.");
        err.flush();
        return ExitCodes.OK;
      }
      Grant picked = PendingPicker.pick(pending, env, err);
      if (picked == null) {
        err.println("nothing approved");
        err.flush();
        return ExitCodes.ERROR;
      }
      chosen = picked.id();
    }
    Grant grant = session.client().decide(chosen, "approve", new GrantAction(comment, null));
    if (output.json()) {
      output.print(out, grant.withoutToken());
    } else {
      out.println(Colours.of(env).leading(GrantMessages.approved(grant, env.clock().instant())));
      out.flush();
    }
    return ExitCodes.OK;
  }
}
