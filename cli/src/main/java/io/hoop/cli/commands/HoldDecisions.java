package io.hoop.cli.commands;

import io.hoop.api.GrantAction;
import io.hoop.api.HeldOperation;
import io.hoop.cli.ExitCodes;
import io.hoop.cli.Hoop;
import io.hoop.cli.HoopException;
import io.hoop.cli.broker.BrokerException;
import io.hoop.cli.broker.BrokerSession;
import io.hoop.cli.output.Colours;
import io.hoop.cli.output.HoldTable;
import io.hoop.cli.output.OperationText;
import java.io.PrintWriter;
import java.util.regex.Pattern;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code hoop approve h-...} and {@code hoop deny h-...}: a reviewer decides a held operation (ids
 * starting {@code h-}; grants start {@code g-}). The broker's refusals (your own hold, not a
 * reviewer, already decided, expired, its grant ended) exit 3 with the broker's reason.
 */
final class HoldDecisions {
  /** The prefix of held operations' ids. */
  static final String PREFIX = "h-";

  private static final Pattern ID = Pattern.compile("^h-[0-9a-z]{1,38}$");

  private HoldDecisions() {}

  static boolean isHold(String id) {
    return id != null && id.startsWith(PREFIX);
  }

  static int decide(
      CommandSpec spec,
      Hoop hoop,
      CommonOptions common,
      OutputOptions output,
      String id,
      String verb,
      GrantAction action) {
    if (!ID.matcher(id).matches()) {
      throw new HoopException.Usage(
          "'"
              + OperationText.escape(id.length() > 60 ? id.substring(0, 60) + "..." : id)
              + "' is not a held operation's id (h- and 12 letters or digits; see hoop requests"
              + " --pending)");
    }
    BrokerSession session =
        BrokerSession.open(common.store(hoop.environment()), hoop.environment().clock());
    HeldOperation h;
    try {
      h = session.client().decideHold(id, verb, action);
    } catch (BrokerException e) {
      // A hold decided, expired or cancelled before this decision is a refusal like any other.
      if (e.httpStatus() == 409) {
        throw new HoopException.Denied(e.getMessage());
      }
      throw e;
    }
    PrintWriter out = spec.commandLine().getOut();
    if (output.json()) {
      output.print(out, h);
      return ExitCodes.OK;
    }
    Colours colours = Colours.of(hoop.environment());
    if (verb.equals("approve")) {
      out.println(
          colours.status("approved") + ": " + h.id() + " runs once: " + HoldTable.describe(h));
    } else {
      out.println(
          colours.status("denied") + ": " + h.id() + " will not run: " + HoldTable.describe(h));
    }
    out.flush();
    return ExitCodes.OK;
  }
}
