package io.hoop.cli.commands;

import io.hoop.api.Grant;
import io.hoop.api.GrantAction;
import io.hoop.cli.ExitCodes;
import io.hoop.cli.Hoop;
import io.hoop.cli.broker.BrokerSession;
import io.hoop.cli.output.Colours;
import java.util.function.Function;
import picocli.CommandLine.Model.CommandSpec;

/** What {@code hoop deny} and {@code hoop revoke} share: send the decision, print the result. */
final class GrantDecisions {
  private GrantDecisions() {}

  static int decide(
      CommandSpec spec,
      Hoop hoop,
      CommonOptions common,
      OutputOptions output,
      String id,
      String verb,
      String reason,
      Function<Grant, String> message) {
    ReviewerInput.requireText("--reason", reason);
    BrokerSession session =
        BrokerSession.open(common.store(hoop.environment()), hoop.environment().clock());
    Grant grant = session.client().decide(id, verb, new GrantAction(null, reason));
    if (output.json()) {
      output.print(spec.commandLine().getOut(), grant.withoutToken());
    } else {
      spec.commandLine()
          .getOut()
          .println(Colours.of(hoop.environment()).leading(message.apply(grant)));
      spec.commandLine().getOut().flush();
    }
    return ExitCodes.OK;
  }
}
