package io.hoop.cli.commands;

import io.hoop.cli.CliEnvironment;
import io.hoop.cli.ExitCodes;
import io.hoop.cli.Hoop;
import io.hoop.cli.broker.BrokerSession;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code hoop review}: the access-review campaign over standing entitlements. */
@Command(
    name = "review",
    description = {
      "Access reviews of standing entitlements. A request under an entitlement whose",
      "review is current is granted at once; a stale one goes to reviewers."
    },
    subcommands = {ReviewListCommand.class, ReviewCertifyCommand.class, ReviewRevokeCommand.class},
    footer = {
      "%nExamples:",
      "  hoop review list --due",
      "  hoop review certify e-3 --comment 'still on the on-call rota'",
      "  hoop review certify e-3 --until 2027-03-31 --comment 'quarterly review'",
      "  hoop review revoke e-7 --reason 'left the team'"
    })
public final class ReviewCommand implements Callable<Integer> {
  @ParentCommand Hoop hoop;
  @Spec CommandSpec spec;
  @Mixin CommonOptions common;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return ExitCodes.USAGE;
  }

  /**
   * The session of the subcommand's profile, falling back to one given before the subcommand
   * ({@code hoop review --profile p list}).
   */
  BrokerSession session(CommonOptions sub) {
    CliEnvironment env = hoop.environment();
    CommonOptions options = sub.profile == null ? common : sub;
    return BrokerSession.open(options.store(env), env.clock());
  }

  CliEnvironment environment() {
    return hoop.environment();
  }
}
