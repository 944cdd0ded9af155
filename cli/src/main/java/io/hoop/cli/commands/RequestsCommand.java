package io.hoop.cli.commands;

import io.hoop.api.Grant;
import io.hoop.api.GrantList;
import io.hoop.api.HeldOperation;
import io.hoop.cli.ExitCodes;
import io.hoop.cli.Hoop;
import io.hoop.cli.broker.BrokerException;
import io.hoop.cli.broker.BrokerSession;
import io.hoop.cli.output.Colours;
import io.hoop.cli.output.GrantTable;
import io.hoop.cli.output.HoldTable;
import java.io.PrintWriter;
import java.util.List;
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
      "List access requests and grants, newest first.",
      "Your own (--mine, the default), those waiting for your approval (--pending), or",
      "all you may see (--all). --pending also lists operations of live sessions held",
      "for your review (ids h-...), each with its exact text (control characters shown",
      "as escapes such as \\n)."
    },
    footer = {
      "%nExamples:",
      "  hoop requests                 your requests and their status",
      "  hoop requests --pending       what you may approve (then: hoop approve ID)",
      "  hoop requests --pending -o json | jq -r '.holds[].id'",
      "  hoop requests --all -o json \\",
      "    | jq -r '.grants[] | select(.status == \"APPROVED\") | .id'"
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
    List<HeldOperation> holds = name.equals("pending") ? pendingHolds(session) : List.of();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (output.json()) {
      output.print(
          out, name.equals("pending") ? new PendingRequests(GrantTable.grants(list), holds) : list);
      return ExitCodes.OK;
    }
    boolean noGrants = GrantTable.grants(list).isEmpty();
    if (!noGrants || holds.isEmpty()) {
      GrantTable.print(out, list, Colours.of(hoop.environment()));
    }
    if (!holds.isEmpty()) {
      if (!noGrants) {
        out.println();
      }
      out.println(
          "Operations held for your review (hoop approve ID runs one once; hoop deny ID --reason"
              + " ... refuses it):");
      HoldTable.print(out, holds, hoop.environment().clock().instant());
    }
    if (noGrants && holds.isEmpty()) {
      err.println(
          name.equals("pending") ? "No requests are waiting for your approval." : "No requests.");
    }
    return ExitCodes.OK;
  }

  /**
   * {@code hoop requests --pending -o json}: the grants as before, and the held operations.
   *
   * @param grants access requests waiting for the caller's approval
   * @param holds operations of live sessions waiting for the caller's approval
   */
  public record PendingRequests(List<Grant> grants, List<HeldOperation> holds) {}

  /** Held operations the caller may decide; none from a broker that predates them. */
  private static List<HeldOperation> pendingHolds(BrokerSession session) {
    try {
      return HoldTable.holds(session.client().holds("pending"));
    } catch (BrokerException e) {
      if (e.httpStatus() == 404 || e.httpStatus() == 405) {
        return List.of();
      }
      throw e;
    }
  }
}
